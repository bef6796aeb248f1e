import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findNode24 } from '../tools/node24/node24';
import {
  BUILD,
  functionBuild,
  lambdaEnvironment,
  median,
  PROFILES,
  ROOT,
} from './common';
import type { FunctionAsset } from './functions';

// Times one `require` in a fresh process and reads its peak memory from
// VmHWM (getrusage's maxRSS carries the parent's over across fork and exec).
const LOADER = `const start = process.hrtime.bigint();
if (process.argv[2]) require(process.argv[2]);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify({ loadMs, peakKb: +/VmHWM:\\s*(\\d+)/.exec(status)[1] }));
`;

/**
 * Fresh processes that only `require` the inbound bundle, the floor
 * (`@aws-sdk/client-connect` bundled alone with the same options: the one
 * client the function cannot do without) or nothing, in the function's
 * environment (NODE_OPTIONS=--enable-source-maps, as Lambda applies it),
 * on this Node and Node 24 (the runtime's, tools/node24). Candidates and
 * Nodes take turns, so drift hits all alike.
 */
export const measureColdStart = async (fn: FunctionAsset, runs: number) => {
  const loader = path.join(BUILD, 'cold-load.js');
  writeFileSync(loader, LOADER);
  const client = path.join(BUILD, 'client-connect');
  const { entryPoints: _, ...options } = functionBuild(ROOT, client);
  await build({
    ...options,
    stdin: {
      contents: "module.exports = require('@aws-sdk/client-connect');",
      resolveDir: ROOT,
    },
  });
  const node24 = findNode24();
  const nodes = [
    { version: process.version, path: process.execPath },
    ...(node24.found ? [node24] : []),
  ];
  const loads = nodes.flatMap((node) =>
    [
      ['inbound handler (synthesized bundle)', fn.entry],
      ['@aws-sdk/client-connect alone', path.join(client, 'index.js')],
      ['node alone (requires nothing)', ''],
    ].map(([name = '', file = '']) => ({
      node,
      name,
      file,
      runs: [] as Load[],
    }))
  );
  const env = lambdaEnvironment(fn);
  type Load = { loadMs: number; peakKb: number };
  const load = (node: string, args: string[]): Load => {
    const child = spawnSync(node, args, { env, encoding: 'utf8' });
    if (child.status === 0) return JSON.parse(child.stdout);
    throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  };
  for (let run = 0; run < runs; run++) {
    for (const { node, file, runs } of loads) {
      runs.push(load(node.path, [loader, file]));
    }
  }
  for (const node of nodes) {
    const dir = path.join(PROFILES, `cold-start-node${node.version}`);
    load(node.path, ['--cpu-prof', `--cpu-prof-dir=${dir}`, loader, fn.entry]);
  }
  return {
    skipped: node24.found ? undefined : node24.reason,
    loads: loads.map(({ node, name, file, runs }) => ({
      node: node.version,
      name,
      bytes: file ? statSync(file).size : 0,
      loadMs: median(runs.map((run) => run.loadMs)),
      minMs: Math.min(...runs.map((run) => run.loadMs)),
      maxMs: Math.max(...runs.map((run) => run.loadMs)),
      peakRssMb: median(runs.map((run) => run.peakKb)) / 1024,
    })),
  };
};
