import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  createIdempotencyTable,
  startDynalite,
} from '../tools/harness/dynalite';
import { connectResponder } from '../tools/local-aws/connect';
import { startLocalEndpoint } from '../tools/local-aws/endpoint';
import * as common from './common';
import type { FunctionAsset } from './functions';

/** Members whose value is part of a request's form, not of the text. */
const LITERAL =
  /^(TableName|ConditionExpression|UpdateExpression|ReturnValuesOnConditionCheckFailure|Subtype|DestinationId|Type|ContentType|#.*)$/;

/** A request with its members sorted and its values but LITERAL's typed. */
const shape = (call: string, json: unknown) =>
  `${call} ${JSON.stringify(json, (key, value) => {
    if (typeof value !== 'object') {
      return LITERAL.test(key) ? value : `<${typeof value}>`;
    }
    return Array.isArray(value) || value === null
      ? value
      : Object.fromEntries(Object.entries(value).sort());
  })}`;

/**
 * The floor A/B: the inbound bundle against the bare loop of worker.ts,
 * against one local Connect and dynalite here. One text each in a process
 * of its own first, recording the requests, which must be the same; then
 * both in one warm process (worker.ts); a ratio is the median of the
 * repeats' ratios. Last, V8 profiles a worker's load and a round of each
 * (bench/out/profiles/hot-path-*).
 */
export const measureFloor = async (
  fn: FunctionAsset,
  settings: Record<'warmup' | 'texts' | 'chunk' | 'repeats', number>
) => {
  const outdir = path.join(common.BUILD, 'worker');
  await build(
    common.functionBuild(path.join(common.ROOT, 'bench/worker.ts'), outdir)
  );

  let captured: string[] | undefined;
  const respond = connectResponder();
  const connect = await startLocalEndpoint((request) => {
    captured?.push(shape('Connect.SendChatIntegrationEvent', request.json));
    return respond(request);
  });
  const dynamodb = await startDynalite({
    onRequest: (request) => {
      const into = captured;
      if (into === undefined) return;
      const chunks: Buffer[] = [];
      const target = String(request.headers['x-amz-target']);
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        into.push(
          shape(
            `DynamoDB.${target.split('.')[1]}`,
            JSON.parse(Buffer.concat(chunks).toString())
          )
        )
      );
    },
  });
  const endpoints = { CONNECT: connect.url, DYNAMODB: dynamodb.url };
  const env = common.lambdaEnvironment(fn, endpoints);
  await createIdempotencyTable(dynamodb.url, env.IDEMPOTENCY_TABLE_NAME ?? '');

  // One worker process: its variants, then warmup, texts, chunk, repeats.
  const run = async (
    variants: string,
    counts: number[],
    flags: string[] = []
  ) => {
    const out = path.join(common.BUILD, 'worker.json');
    const child = spawn(
      process.execPath,
      [
        ...flags,
        path.join(outdir, 'index.js'),
        ...[fn.entry, fn.timeoutSeconds, variants, out, ...counts].map(String),
      ],
      // Its logs go where Lambda's capture would take them; errors show.
      { env, stdio: ['ignore', 'ignore', 'inherit'] }
    );
    const [code] = await once(child, 'exit');
    connect.requests.length = 0;
    if (code !== 0) throw new Error(`the worker failed (${code})`);
    // Per variant: the wall and the CPU milliseconds of each repeat.
    type Times = Record<'handler' | 'bare', [number[], number[]]>;
    return JSON.parse(readFileSync(out, 'utf8')) as Times;
  };

  try {
    const calls = { handler: [] as string[], bare: [] as string[] };
    for (const variant of ['handler', 'bare'] as const) {
      captured = calls[variant];
      await run(variant, [1]);
    }
    captured = undefined;
    const { warmup, texts, chunk, repeats } = settings;
    const timed = [warmup, texts, chunk, repeats];
    const { handler, bare } = await run('handler,bare', timed);
    for (const variant of ['handler', 'bare'] as const) {
      const [dir, name] = [common.PROFILES, `hot-path-${variant}`];
      const flags = ['cpu', 'heap'].flatMap((kind) => [
        ...[`--${kind}-prof`, `--${kind}-prof-dir=${dir}`],
        `--${kind}-prof-name=${name}.${kind}profile`,
      ]);
      await run(variant, [warmup], ['--cpu-prof-interval=100', ...flags]);
    }

    const count = Math.ceil(texts / chunk) * chunk;
    const perText = (ms: number[]) => (common.median(ms) * 1000) / count;
    const ratios = (of: 0 | 1) =>
      handler[of].map((ms, i) => ms / (bare[of][i] ?? 0));
    const { handler: h, bare: b } = calls;
    return {
      usPerText: [perText(handler[0]), perText(bare[0])],
      cpuUsPerText: [perText(handler[1]), perText(bare[1])],
      ratio: common.median(ratios(0)),
      cpuRatio: common.median(ratios(1)),
      ratios: ratios(0),
      differences: Array.from({ length: Math.max(h.length, b.length) })
        .map((_, i) => `handler ${h[i]} / bare ${b[i]}`)
        .filter((_, i) => h[i] !== b[i]),
    };
  } finally {
    await connect.close();
    await dynamodb.close();
  }
};
