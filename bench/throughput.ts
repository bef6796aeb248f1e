import { createIdempotencyTable } from '../tools/harness/dynalite';
import { connectResponder } from '../tools/local-aws/connect';
import { startLocalEndpoint } from '../tools/local-aws/endpoint';
import { sqsResponder } from '../tools/local-aws/sqs';
import { startCountingDynalite } from './counting-dynalite';
import type { FunctionAsset } from './functions';
import { lambdaEnvironment } from './lambda-env';
import {
  type CapturedRequests,
  compareRequests,
  type RequestComparison,
} from './request-shape';
import { median, round } from './stats';
import type { RoundResult } from './worker-protocol';
import { startWorker, type Worker, type WorkerFiles } from './workers';

export type Variant = 'handler' | 'bare';
/**
 * `quietHandler`: the same bundle with POWERTOOLS_LOG_LEVEL=WARN, which
 * drops its one INFO line per text: what the logger costs on the hot path,
 * measured without changing the code.
 */
export type TimedVariant = Variant | 'quietHandler';
const TIMED: readonly TimedVariant[] = ['handler', 'bare', 'quietHandler'];

export interface Round {
  readonly variant: TimedVariant;
  readonly repeat: number;
  readonly texts: number;
  readonly wallMs: number;
  readonly msgsPerSecond: number;
  readonly usPerMessage: number;
  readonly cpuUsPerMessage: number;
  readonly gcUsPerMessage: number;
  readonly gcCount: number;
  /** Calls the local endpoints got during the round, per text. */
  readonly callsPerText: Readonly<Record<string, number>>;
}

export interface VariantSummary {
  readonly msgsPerSecond: number;
  readonly usPerMessage: number;
  readonly cpuUsPerMessage: number;
  readonly gcUsPerMessage: number;
  readonly callsPerText: Readonly<Record<string, number>>;
}

export interface Throughput {
  readonly texts: number;
  readonly chunkTexts: number;
  readonly repeats: number;
  readonly batchSize: number;
  readonly warmupTexts: number;
  readonly handler: VariantSummary;
  readonly bare: VariantSummary;
  readonly quietHandler: VariantSummary & {
    readonly environment: Readonly<Record<string, string>>;
  };
  /** Median over repeats of handler time / bare time (wall clock). */
  readonly ratio: number;
  /** The same with the worker's CPU time instead of wall time. */
  readonly cpuRatio: number;
  /** quietHandler / bare, wall clock and CPU. */
  readonly quietRatio: number;
  readonly quietCpuRatio: number;
  readonly ratios: readonly number[];
  readonly requests: RequestComparison;
  readonly rounds: readonly Round[];
}

export interface ThroughputOptions {
  readonly texts: number;
  readonly repeats: number;
  readonly warmupTexts: number;
  /**
   * A repeat runs its texts in chunks of this many, the two variants
   * taking turns, so both meet the same load on the machine and the same
   * state of the local services.
   */
  readonly chunkTexts: number;
}

export interface LocalAws {
  readonly env: (fn: FunctionAsset) => Record<string, string>;
  /** Calls since the last `take`, by `Connect`, `DynamoDB.PutItem`, ... */
  take(): Record<string, number>;
  /** Keeps request bodies until `captured` returns them. */
  capture(): void;
  captured(): CapturedRequests;
  close(): Promise<void>;
}

/**
 * Connect (answering at once, with a chat per customer), SQS for the
 * dead-letter queue and dynalite with the idempotency table, on 127.0.0.1
 * in this process: the worker being measured has the other core.
 */
export const startLocalAws = async (): Promise<LocalAws> => {
  const connect = await startLocalEndpoint(connectResponder());
  const sqs = await startLocalEndpoint(sqsResponder().respond);
  const dynamodb = await startCountingDynalite();
  const table = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamodb.url, table);
  const take = () => {
    const counts: Record<string, number> = {};
    if (connect.requests.length > 0) counts.Connect = connect.requests.length;
    if (sqs.requests.length > 0) counts.SQS = sqs.requests.length;
    for (const [operation, count] of Object.entries(dynamodb.counts())) {
      counts[`DynamoDB.${operation}`] = count;
    }
    connect.requests.length = 0;
    sqs.requests.length = 0;
    dynamodb.reset();
    return counts;
  };
  return {
    env: (fn) =>
      lambdaEnvironment(
        fn,
        { CONNECT: connect.url, DYNAMODB: dynamodb.url, SQS: sqs.url },
        {
          DEAD_LETTER_QUEUE_URL: `${sqs.url}/111122223333/SmsConnectBridge-DeadLetterQueue`,
          QUEUE_URL: `${sqs.url}/111122223333/SmsConnectBridge-Queue`,
          IDEMPOTENCY_TABLE_NAME: table,
        }
      ),
    take,
    capture: () => {
      take();
      dynamodb.capture();
    },
    captured: () => {
      const result = {
        connect: connect.requests.map(({ json }) => json),
        dynamodb: [...dynamodb.captured()],
      };
      take();
      return result;
    },
    close: async () => {
      await connect.close();
      await sqs.close();
      await dynamodb.close();
    },
  };
};

/**
 * Section 1: the real bundle against the bare loop (and the bundle with
 * INFO logs off), each in its own warm worker process. Each repeat gives
 * every variant the same number of texts in chunks, taking turns and
 * rotating who goes first, so drift and other load on the machine hit all
 * alike; a ratio is the median of the repeats' ratios to the bare loop.
 */
export const measureThroughput = async (
  fn: FunctionAsset,
  files: WorkerFiles,
  aws: LocalAws,
  options: ThroughputOptions
): Promise<Throughput> => {
  const env = aws.env(fn);
  const quiet = { POWERTOOLS_LOG_LEVEL: 'WARN' };
  const args = [fn.region, String(fn.timeoutSeconds)];
  const handlerArgs = [fn.entry, fn.handlerName, ...args];
  const workers: Partial<Record<TimedVariant, Worker>> = {};
  try {
    workers.handler = await startWorker({
      file: files.handler,
      args: handlerArgs,
      env,
    });
    workers.bare = await startWorker({ file: files.bare, args, env });
    workers.quietHandler = await startWorker({
      file: files.handler,
      args: handlerArgs,
      env: { ...env, ...quiet },
    });
    const worker = (variant: TimedVariant) => workers[variant] as Worker;

    // One text each with the bodies kept: the bare loop must send what
    // the handler sends.
    const shapes = {} as Record<Variant, ReturnType<LocalAws['captured']>>;
    for (const variant of ['handler', 'bare'] as const) {
      aws.capture();
      expectNoFailures(await worker(variant).round(1));
      shapes[variant] = aws.captured();
    }
    const requests = compareRequests(shapes.handler, shapes.bare);

    for (const variant of TIMED) {
      await worker(variant).round(options.warmupTexts);
    }
    aws.take();

    const rounds: Round[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const totals = {
        handler: emptyTotals(),
        bare: emptyTotals(),
        quietHandler: emptyTotals(),
      };
      const chunks = Math.ceil(options.texts / options.chunkTexts);
      for (let chunk = 0; chunk < chunks; chunk++) {
        // Each variant goes first, second and last in turn.
        const shift = (repeat + chunk) % TIMED.length;
        const order = [...TIMED.slice(shift), ...TIMED.slice(0, shift)];
        for (const variant of order) {
          const result = await worker(variant).round(options.chunkTexts);
          expectNoFailures(result);
          addTo(totals[variant], result, aws.take());
        }
      }
      for (const variant of TIMED) {
        rounds.push(toRound(variant, repeat, totals[variant]));
      }
    }
    const of = (variant: TimedVariant) =>
      rounds.filter((r) => r.variant === variant);
    const ratios = pairwise(rounds, 'handler', (r) => r.usPerMessage);
    const median3 = (values: number[]) => round(median(values), 3);
    return {
      texts: options.texts,
      chunkTexts: options.chunkTexts,
      repeats: options.repeats,
      batchSize: 10,
      warmupTexts: options.warmupTexts,
      handler: summarize(of('handler')),
      bare: summarize(of('bare')),
      quietHandler: { ...summarize(of('quietHandler')), environment: quiet },
      ratio: median3(ratios),
      cpuRatio: median3(pairwise(rounds, 'handler', (r) => r.cpuUsPerMessage)),
      quietRatio: median3(
        pairwise(rounds, 'quietHandler', (r) => r.usPerMessage)
      ),
      quietCpuRatio: median3(
        pairwise(rounds, 'quietHandler', (r) => r.cpuUsPerMessage)
      ),
      ratios: ratios.map((ratio) => round(ratio, 3)),
      requests,
      rounds,
    };
  } finally {
    for (const variant of TIMED) await workers[variant]?.close();
  }
};

const expectNoFailures = (result: RoundResult) => {
  if (result.failures > 0) {
    throw new Error(`${result.failures} texts failed in a bench round`);
  }
};

interface Totals {
  texts: number;
  wallMs: number;
  cpuMs: number;
  gcMs: number;
  gcCount: number;
  calls: Record<string, number>;
}

const emptyTotals = (): Totals => ({
  texts: 0,
  wallMs: 0,
  cpuMs: 0,
  gcMs: 0,
  gcCount: 0,
  calls: {},
});

const addTo = (
  totals: Totals,
  result: RoundResult,
  calls: Record<string, number>
) => {
  totals.texts += result.texts;
  totals.wallMs += result.wallMs;
  totals.cpuMs += result.cpuMs;
  totals.gcMs += result.gcMs;
  totals.gcCount += result.gcCount;
  for (const [name, count] of Object.entries(calls)) {
    totals.calls[name] = (totals.calls[name] ?? 0) + count;
  }
};

const toRound = (
  variant: TimedVariant,
  repeat: number,
  totals: Totals
): Round => ({
  variant,
  repeat,
  texts: totals.texts,
  wallMs: round(totals.wallMs, 1),
  msgsPerSecond: round((totals.texts / totals.wallMs) * 1000, 1),
  usPerMessage: round((totals.wallMs * 1000) / totals.texts, 1),
  cpuUsPerMessage: round((totals.cpuMs * 1000) / totals.texts, 1),
  gcUsPerMessage: round((totals.gcMs * 1000) / totals.texts, 1),
  gcCount: totals.gcCount,
  callsPerText: Object.fromEntries(
    Object.entries(totals.calls).map(([name, count]) => [
      name,
      round(count / totals.texts, 3),
    ])
  ),
});

/** `variant` / bare of each repeat. */
const pairwise = (
  rounds: readonly Round[],
  variant: TimedVariant,
  value: (round: Round) => number
): number[] => {
  const ratios: number[] = [];
  for (const measured of rounds.filter((r) => r.variant === variant)) {
    const bare = rounds.find(
      (r) => r.variant === 'bare' && r.repeat === measured.repeat
    );
    if (bare) ratios.push(value(measured) / value(bare));
  }
  return ratios;
};

const summarize = (rounds: readonly Round[]): VariantSummary => ({
  msgsPerSecond: round(median(rounds.map((r) => r.msgsPerSecond)), 1),
  usPerMessage: round(median(rounds.map((r) => r.usPerMessage)), 1),
  cpuUsPerMessage: round(median(rounds.map((r) => r.cpuUsPerMessage)), 1),
  gcUsPerMessage: round(median(rounds.map((r) => r.gcUsPerMessage)), 1),
  callsPerText: rounds[0]?.callsPerText ?? {},
});
