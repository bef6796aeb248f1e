import * as path from 'node:path';
import {
  createIdempotencyTable,
  startDynalite,
} from '../tools/harness/dynalite';
import { connectResponder } from '../tools/local-aws/connect';
import { startLocalEndpoint } from '../tools/local-aws/endpoint';
import { sqsResponder } from '../tools/local-aws/sqs';
import type { FunctionAsset } from './functions';
import { lambdaEnvironment } from './lambda-env';
import { fromRoot, median, PROFILES, round } from './paths';
import { type CapturedCall, requestDifferences } from './request-shape';
import type { RoundResult } from './worker-protocol';
import { startWorker, type Worker, type WorkerFiles } from './workers';

const VARIANTS = ['handler', 'bare'] as const;
type Variant = (typeof VARIANTS)[number];

export interface VariantFigures {
  readonly usPerMessage: number;
  readonly cpuUsPerMessage: number;
  readonly gcUsPerMessage: number;
  /** One more round under V8's profilers: `<file>.cpuprofile`, `.heapprofile`. */
  readonly profile: string;
}

export interface Floor {
  readonly handler: VariantFigures;
  readonly bare: VariantFigures;
  /** Median over repeats of handler time / bare time (wall clock, CPU). */
  readonly ratio: number;
  readonly cpuRatio: number;
  readonly ratios: readonly number[];
  /** Calls per text at the local endpoints, handler then bare. */
  readonly callsPerText: readonly [number, number];
  /** Where the bare loop's requests differ from the handler's: none. */
  readonly differences: readonly string[];
}

export interface FloorOptions {
  readonly texts: number;
  readonly repeats: number;
  readonly warmupTexts: number;
  /** Variants take turns every this many texts, meeting the same load. */
  readonly chunkTexts: number;
}

/**
 * The floor A/B: the real inbound bundle against the bare SDK loop
 * (worker-bare.ts), each in its own warm worker process, against the same
 * local Connect, SQS and dynalite in this process. One text each first,
 * with the bodies kept: the bare loop must send what the handler sends.
 * Then each repeat gives both the same texts in alternating chunks,
 * rotating who goes first; a ratio is the median of the repeats' ratios.
 */
export const measureFloor = async (
  fn: FunctionAsset,
  files: WorkerFiles,
  options: FloorOptions
): Promise<Floor> => {
  const captured: CapturedCall[] = [];
  let capture = false;
  let calls = 0;
  const connect = await startLocalEndpoint((request) => {
    calls++;
    if (capture) {
      captured.push({
        call: 'Connect.SendChatIntegrationEvent',
        json: request.json,
      });
    }
    return connectResponder()(request);
  });
  const queues = sqsResponder();
  const sqs = await startLocalEndpoint((request) => {
    calls++;
    return queues.respond(request);
  });
  const dynamodb = await startDynalite({
    onRequest: (request) => {
      calls++;
      if (!capture) return;
      const operation = String(request.headers['x-amz-target']).split('.')[1];
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        captured.push({
          call: `DynamoDB.${operation}`,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        })
      );
    },
  });
  const table = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamodb.url, table);
  const env = lambdaEnvironment(
    fn,
    { CONNECT: connect.url, DYNAMODB: dynamodb.url, SQS: sqs.url },
    {
      DEAD_LETTER_QUEUE_URL: `${sqs.url}/111122223333/SmsConnectBridge-DeadLetterQueue`,
      QUEUE_URL: `${sqs.url}/111122223333/SmsConnectBridge-Queue`,
      IDEMPOTENCY_TABLE_NAME: table,
    }
  );
  const args = [fn.region, String(fn.timeoutSeconds)];
  const workers: Partial<Record<Variant, Worker>> = {};
  try {
    workers.handler = await startWorker(
      files.handler,
      [fn.entry, fn.handlerName, ...args],
      env
    );
    workers.bare = await startWorker(files.bare, args, env);
    const worker = (variant: Variant) => workers[variant] as Worker;
    const round1 = async (
      variant: Variant,
      texts: number,
      profile?: string
    ) => {
      const result = await worker(variant).round(texts, profile);
      if (result.failures > 0) {
        throw new Error(
          `${result.failures} texts failed in a ${variant} round`
        );
      }
      connect.requests.length = 0;
      sqs.requests.length = 0;
      return result;
    };

    const shapes: Record<Variant, CapturedCall[]> = { handler: [], bare: [] };
    for (const variant of VARIANTS) {
      capture = true;
      await round1(variant, 1);
      capture = false;
      shapes[variant] = captured.splice(0);
    }
    for (const variant of VARIANTS) await round1(variant, options.warmupTexts);

    const rounds: Record<Variant, Totals[]> = { handler: [], bare: [] };
    const callCounts = { handler: 0, bare: 0 };
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const totals: Record<Variant, Totals> = {
        handler: emptyRound(),
        bare: emptyRound(),
      };
      const chunks = Math.ceil(options.texts / options.chunkTexts);
      for (let chunk = 0; chunk < chunks; chunk++) {
        const order =
          (repeat + chunk) % 2 === 0
            ? VARIANTS
            : ([...VARIANTS].reverse() as Variant[]);
        for (const variant of order) {
          calls = 0;
          const result = await round1(variant, options.chunkTexts);
          totals[variant] = add(totals[variant], result);
          callCounts[variant] += calls;
        }
      }
      for (const variant of VARIANTS) rounds[variant].push(totals[variant]);
    }

    const profile = (variant: Variant) =>
      path.join(PROFILES, `hot-path-${variant}`);
    for (const variant of VARIANTS) {
      await round1(variant, options.chunkTexts, profile(variant));
    }
    const perText = (r: Totals, ms: number) => (ms * 1000) / r.texts;
    const figures = (variant: Variant): VariantFigures => ({
      usPerMessage: round(
        median(rounds[variant].map((r) => perText(r, r.wallMs))),
        0
      ),
      cpuUsPerMessage: round(
        median(rounds[variant].map((r) => perText(r, r.cpuMs))),
        0
      ),
      gcUsPerMessage: round(
        median(rounds[variant].map((r) => perText(r, r.gcMs))),
        0
      ),
      profile: fromRoot(profile(variant)),
    });
    const ratios = (value: (r: Totals) => number) =>
      rounds.handler.map((h, i) => value(h) / value(rounds.bare[i] as Totals));
    const wall = ratios((r) => r.wallMs / r.texts);
    const totalTexts =
      options.repeats *
      Math.ceil(options.texts / options.chunkTexts) *
      options.chunkTexts;
    return {
      handler: figures('handler'),
      bare: figures('bare'),
      ratio: round(median(wall), 3),
      cpuRatio: round(median(ratios((r) => r.cpuMs / r.texts)), 3),
      ratios: wall.map((r) => round(r, 3)),
      callsPerText: [
        round(callCounts.handler / totalTexts, 2),
        round(callCounts.bare / totalTexts, 2),
      ],
      differences: requestDifferences(shapes.handler, shapes.bare),
    };
  } finally {
    for (const variant of VARIANTS) await workers[variant]?.close();
    await connect.close();
    await sqs.close();
    await dynamodb.close();
  }
};

type Totals = Pick<RoundResult, 'texts' | 'wallMs' | 'cpuMs' | 'gcMs'>;

const emptyRound = (): Totals => ({ texts: 0, wallMs: 0, cpuMs: 0, gcMs: 0 });

const add = (totals: Totals, result: Totals): Totals => ({
  texts: totals.texts + result.texts,
  wallMs: totals.wallMs + result.wallMs,
  cpuMs: totals.cpuMs + result.cpuMs,
  gcMs: totals.gcMs + result.gcMs,
});
