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
import { startWorker, type Worker, type WorkerFiles } from './workers';

const VARIANTS = ['handler', 'bare'] as const;
type Variant = (typeof VARIANTS)[number];

export interface VariantFigures {
  readonly usPerMessage: number;
  readonly cpuUsPerMessage: number;
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
  let captured: CapturedCall[] | undefined;
  const connect = await startLocalEndpoint((request) => {
    const call = 'Connect.SendChatIntegrationEvent';
    captured?.push({ call, json: request.json });
    return connectResponder()(request);
  });
  const sqs = await startLocalEndpoint(sqsResponder().respond);
  const dynamodb = await startDynalite({
    onRequest: (request) => {
      const into = captured;
      if (into === undefined) return;
      const operation = String(request.headers['x-amz-target']).split('.')[1];
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        into.push({ call: `DynamoDB.${operation}`, json });
      });
    },
  });
  const table = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamodb.url, table);
  const queue = (name: string) =>
    `${sqs.url}/111122223333/SmsConnectBridge-${name}`;
  const env = lambdaEnvironment(
    fn,
    { CONNECT: connect.url, DYNAMODB: dynamodb.url, SQS: sqs.url },
    {
      DEAD_LETTER_QUEUE_URL: queue('DeadLetterQueue'),
      QUEUE_URL: queue('Queue'),
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
    const run = async (variant: Variant, texts: number, profile?: string) => {
      const result = await (workers[variant] as Worker).round(texts, profile);
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
      captured = shapes[variant];
      await run(variant, 1);
      captured = undefined;
    }
    for (const variant of VARIANTS) await run(variant, options.warmupTexts);

    // Per repeat and variant: milliseconds of wall clock and of CPU.
    const wall: Record<Variant, number[]> = { handler: [], bare: [] };
    const cpu: Record<Variant, number[]> = { handler: [], bare: [] };
    const chunks = Math.ceil(options.texts / options.chunkTexts);
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const variant of VARIANTS) {
        wall[variant][repeat] = 0;
        cpu[variant][repeat] = 0;
      }
      for (let chunk = 0; chunk < chunks; chunk++) {
        const first = (repeat + chunk) % 2;
        for (const variant of [
          VARIANTS[first],
          VARIANTS[1 - first],
        ] as Variant[]) {
          const result = await run(variant, options.chunkTexts);
          wall[variant][repeat] = (wall[variant][repeat] ?? 0) + result.wallMs;
          cpu[variant][repeat] = (cpu[variant][repeat] ?? 0) + result.cpuMs;
        }
      }
    }

    const profile = (variant: Variant) =>
      path.join(PROFILES, `hot-path-${variant}`);
    for (const variant of VARIANTS) {
      await run(variant, options.chunkTexts, profile(variant));
    }
    const perText = (ms: readonly number[]) =>
      round((median(ms) * 1000) / (chunks * options.chunkTexts), 0);
    const figures = (variant: Variant): VariantFigures => ({
      usPerMessage: perText(wall[variant]),
      cpuUsPerMessage: perText(cpu[variant]),
      profile: fromRoot(profile(variant)),
    });
    const ratios = (ms: Record<Variant, number[]>) =>
      ms.handler.map((h, i) => round(h / (ms.bare[i] as number), 3));
    return {
      handler: figures('handler'),
      bare: figures('bare'),
      ratio: round(median(ratios(wall)), 3),
      cpuRatio: round(median(ratios(cpu)), 3),
      ratios: ratios(wall),
      differences: requestDifferences(shapes.handler, shapes.bare),
    };
  } finally {
    for (const variant of VARIANTS) await workers[variant]?.close();
    await connect.close();
    await sqs.close();
    await dynamodb.close();
  }
};
