import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findNode24 } from '../tools/node24/node24';
import * as common from './functions';

// Peak memory from VmHWM: getrusage's maxRSS keeps the parent's across exec.
const LOADER = `const start = process.hrtime.bigint();
if (process.argv[2]) require(process.argv[2]);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify([loadMs, +/VmHWM:\\s*(\\d+)/.exec(status)[1]]));
`;

// Fresh processes in the function's environment (NODE_OPTIONS included)
// take turns, so drift hits the bundle, the floor and `node` alike.
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
