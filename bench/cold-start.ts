import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findNode24 } from '../tools/node24/node24';
import { nodejsFunctionOptions } from './esbuild-options';
import type { FunctionAsset } from './functions';
import { lambdaEnvironment } from './lambda-env';
import { BUILD, fromRoot, median, PROFILES, ROOT, round } from './paths';

/**
 * Runs in a fresh process: times one `require` and reports peak memory,
 * the kernel's VmHWM of this process image (getrusage's maxRSS carries the
 * parent's over across fork and exec).
 */
const LOADER = `'use strict';
const file = process.argv[2];
const start = process.hrtime.bigint();
if (file) require(file);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
process.stdout.write(JSON.stringify({ loadMs, peakKb: Number(/VmHWM:\\s*(\\d+)/.exec(status)[1]) }));
`;

export interface LoadFigures {
  readonly name: string;
  readonly bytes: number;
  readonly runs: number;
  /** Median, min and max of the `require`. */
  readonly loadMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly peakRssMb: number;
}

export interface ColdStartOnNode {
  readonly node: string;
  /** The handler's load time over client-connect's. */
  readonly ratio: number;
  readonly loads: readonly LoadFigures[];
  /** One more load of the handler under `--cpu-prof`. */
  readonly profile: string;
}

interface Candidate {
  readonly name: string;
  readonly file: string;
}

/**
 * Fresh Node processes that only `require` the deployed inbound bundle,
 * `@aws-sdk/client-connect` bundled alone with the same options (the floor:
 * the one client the function cannot do without), or nothing, with the
 * function's environment (NODE_OPTIONS=--enable-source-maps included, as
 * Lambda applies it). On this Node and on the pinned Node 24 of the
 * runtime (tools/node24); candidates and Nodes take turns, so drift hits
 * all alike.
 */
export const measureColdStart = async (
  fn: FunctionAsset,
  runs: number
): Promise<(ColdStartOnNode | { node: string; skipped: string })[]> => {
  mkdirSync(BUILD, { recursive: true });
  const loader = path.join(BUILD, 'cold-load.js');
  writeFileSync(loader, LOADER);
  const env = lambdaEnvironment(fn, {});
  const candidates: Candidate[] = [
    { name: 'inbound handler (synthesized bundle)', file: fn.entry },
    { name: '@aws-sdk/client-connect alone', file: await clientConnect() },
    { name: 'node alone (requires nothing)', file: '' },
  ];
  const found = findNode24();
  const nodes = [
    { node: process.version, execPath: process.execPath },
    ...(found.found ? [{ node: found.version, execPath: found.path }] : []),
  ];
  const runsOf = nodes.map(() => candidates.map(() => [] as Load[]));
  for (let run = 0; run < runs; run++) {
    for (const [c, candidate] of candidates.entries()) {
      for (const [n, node] of nodes.entries()) {
        runsOf[n]?.[c]?.push(
          load(node.execPath, [loader, candidate.file], env)
        );
      }
    }
  }
  const figures = nodes.map(({ node, execPath }, n): ColdStartOnNode => {
    const loads = candidates.map((candidate, c) =>
      summarize(candidate, runsOf[n]?.[c] ?? [])
    );
    const [handler, client] = loads as [LoadFigures, LoadFigures];
    const dir = path.join(PROFILES, `cold-start-node${node}`);
    load(
      execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, loader, fn.entry],
      env
    );
    return {
      node,
      ratio: round(handler.loadMs / client.loadMs, 2),
      loads,
      profile: fromRoot(dir),
    };
  });
  return found.found
    ? figures
    : [...figures, { node: 'Node 24', skipped: found.reason }];
};

interface Load {
  readonly loadMs: number;
  readonly peakKb: number;
}

const load = (
  execPath: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>
): Load => {
  const child = spawnSync(execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) {
    throw new Error(
      `${args.join(' ')} failed (${child.status}): ${child.stderr}`
    );
  }
  return JSON.parse(child.stdout) as Load;
};

const summarize = (
  candidate: Candidate,
  runs: readonly Load[]
): LoadFigures => {
  const times = runs.map((r) => r.loadMs);
  return {
    name: candidate.name,
    bytes: candidate.file === '' ? 0 : statSync(candidate.file).size,
    runs: runs.length,
    loadMs: round(median(times)),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
    peakRssMb: round(median(runs.map((r) => r.peakKb)) / 1024),
  };
};

/** `@aws-sdk/client-connect` alone, with the functions' esbuild options. */
const clientConnect = async (): Promise<string> => {
  const outdir = path.join(BUILD, 'client-connect');
  const { entryPoints: _entry, ...options } = nodejsFunctionOptions(
    path.join(ROOT, 'package.json'),
    outdir
  );
  await build({
    ...options,
    stdin: {
      contents: "module.exports = require('@aws-sdk/client-connect');",
      resolveDir: ROOT,
      sourcefile: 'client-connect.js',
    },
  });
  return path.join(outdir, 'index.js');
};
