import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { json } from 'node:stream/consumers';
import { build } from 'esbuild';
import {
  createIdempotencyTable,
  startDynalite,
} from '../tools/harness/dynalite';
import { connectResponder } from '../tools/local-aws/connect';
import { operationOf, startLocalEndpoint } from '../tools/local-aws/endpoint';
import { findNode24 } from '../tools/node24/node24';
import * as common from './functions';

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

// Chunks alternate, rotating who goes first, so both meet the same machine;
// a ratio is the median of the repeats' ratios.
export const measureFloor = async (
  fn: common.FunctionAsset,
  settings: Record<'warmup' | 'texts' | 'chunk' | 'repeats', number>
) => {
  // Bundled as the functions are: no ts-node hook, the handler's SDK code.
  const worker = common.functionBuild('bench/worker.ts', 'worker');
  const bareLoop = common.functionBuild('bench/bare-loop.ts', 'bare-loop');
  for (const options of [worker, bareLoop]) await build(options);
  const entries = { handler: fn.entry, bare: bareLoop.outfile };

  let captured: string[] | undefined;
  const respond = connectResponder();
  const connect = await startLocalEndpoint((request) => {
    captured?.push(shape('Connect.SendChatIntegrationEvent', request.json));
    return respond(request);
  });
  const dynamodb = await startDynalite({
    onRequest: (request) => {
      const [into, call] = [captured, `DynamoDB.${operationOf(request)}`];
      if (into) json(request).then((body) => into.push(shape(call, body)));
    },
  });
  const endpoints = { CONNECT: connect.url, DYNAMODB: dynamodb.url };
  const env = common.lambdaEnvironment(fn, endpoints);
  await createIdempotencyTable(dynamodb.url, env.IDEMPOTENCY_TABLE_NAME ?? '');

  const start = (variant: keyof typeof entries, v8Flags: string[] = []) => {
    const child = fork(
      worker.outfile,
      [entries[variant], `${fn.timeoutSeconds}`],
      // Its logs go where Lambda's capture would take them; errors show.
      { env, execArgv: v8Flags, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }
    );
    const exit = once(child, 'exit');
    child.on('exit', (code) => {
      if (code) throw new Error(`the ${variant} worker exited (${code})`);
    });
    return {
      round: async (texts: number) => {
        child.send(texts);
        const [times] = await once(child, 'message');
        connect.requests.length = 0;
        return times as [wallMs: number, cpuMs: number];
      },
      close: () => {
        if (child.connected) child.disconnect();
        return exit;
      },
    };
  };

  const order = ['handler', 'bare'] as const;
  const workers = { handler: start('handler'), bare: start('bare') };
  try {
    const calls = { handler: [] as string[], bare: [] as string[] };
    for (const variant of order) {
      captured = calls[variant];
      await workers[variant].round(1);
      captured = undefined;
      await workers[variant].round(settings.warmup);
    }
    const [h, b] = order.map((variant) => calls[variant].join('\n'));
    if (h !== b) throw new Error(`the floor's requests differ:\n${h}\n${b}`);

    // Per variant: the wall and the CPU milliseconds of each repeat.
    const ms = { handler: [[0], [0]], bare: [[0], [0]] };
    const chunks = Math.ceil(settings.texts / settings.chunk);
    for (let repeat = 0; repeat < settings.repeats; repeat++) {
      for (let chunk = 0; chunk < chunks; chunk++) {
        const turn = (repeat + chunk) % 2 ? order.toReversed() : order;
        for (const variant of turn) {
          const times = await workers[variant].round(settings.chunk);
          for (const [i, sums] of ms[variant].entries()) {
            sums[repeat] = (sums[repeat] ?? 0) + (times[i] ?? 0);
          }
        }
      }
    }
    for (const variant of order) {
      const flags = ['cpu', 'heap'].flatMap((kind) => [
        `--${kind}-prof`,
        `--${kind}-prof-dir=${common.PROFILES}`,
        `--${kind}-prof-name=hot-path-${variant}.${kind}profile`,
      ]);
      const profiled = start(variant, ['--cpu-prof-interval=100', ...flags]);
      await profiled.round(settings.warmup);
      await profiled.close();
    }

    const { handler, bare } = ms;
    const perText = (ms: number[] = []) =>
      (common.median(ms) * 1000) / (chunks * settings.chunk);
    const ratios = (of: 0 | 1) =>
      (handler[of] ?? []).map((ms, i) => ms / (bare[of]?.[i] ?? 0));
    return {
      usPerText: [perText(handler[0]), perText(bare[0])],
      cpuUsPerText: [perText(handler[1]), perText(bare[1])],
      ratio: common.median(ratios(0)),
      cpuRatio: common.median(ratios(1)),
      ratios: ratios(0),
    };
  } finally {
    const { handler, bare } = workers;
    for (const open of [handler, bare, connect, dynamodb]) await open.close();
  }
};

// Fresh processes in the function's environment take turns, so drift hits
// all alike; peak memory from VmHWM (getrusage's maxRSS keeps the parent's).
const LOADER = `const start = process.hrtime.bigint();
if (process.argv[2]) require(process.argv[2]);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify([loadMs, +/VmHWM:\\s*(\\d+)/.exec(status)[1]]));`;

export const measureColdStart = async (
  fn: common.FunctionAsset,
  runs: number
) => {
  const loader = path.join(common.BUILD, 'cold-load.js');
  writeFileSync(loader, LOADER);
  const { entryPoints: _, ...options } = common.functionBuild('', 'client');
  const contents = "module.exports = require('@aws-sdk/client-connect');";
  await build({ ...options, stdin: { contents, resolveDir: common.ROOT } });
  const node24 = findNode24();
  const thisNode = { version: process.version, path: process.execPath };
  const nodes = [thisNode, ...(node24.found ? [node24] : [])].map((node) => ({
    node,
    loads: Object.entries({
      'inbound handler (synthesized bundle)': fn.entry,
      '@aws-sdk/client-connect alone': options.outfile,
      'node alone (requires nothing)': '',
    }).map(([name, file]) => ({ name, file, runs: [] as number[][] })),
  }));
  const env = common.lambdaEnvironment(fn);
  const load = (node: string, args: string[]): number[] => {
    const child = spawnSync(node, args, { env, encoding: 'utf8' });
    if (child.status === 0) return JSON.parse(child.stdout);
    throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  };
  for (let run = 0; run < runs; run++) {
    for (const { node, loads } of nodes) {
      for (const l of loads) l.runs.push(load(node.path, [loader, l.file]));
    }
  }
  for (const { node } of nodes) {
    const dir = path.join(common.PROFILES, `cold-start-node${node.version}`);
    load(node.path, ['--cpu-prof', `--cpu-prof-dir=${dir}`, loader, fn.entry]);
  }
  return {
    skipped: node24.found ? undefined : node24.reason,
    nodes: nodes.map(({ node, loads }) => ({
      version: node.version,
      loads: loads.map(({ name, file, runs }) => {
        const ms = runs.map(([loadMs = 0]) => loadMs);
        return {
          name,
          bytes: file ? statSync(file).size : 0,
          loadMs: common.median(ms),
          minMs: Math.min(...ms),
          maxMs: Math.max(...ms),
          peakRssMb: common.median(runs.map(([, kb = 0]) => kb)) / 1024,
        };
      }),
    })),
  };
};
