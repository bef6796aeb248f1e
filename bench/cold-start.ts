import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findNode24 } from '../tools/node24/node24';
import * as common from './functions';

// Times one `require` in a fresh process and reads its peak memory from
// VmHWM (getrusage's maxRSS carries the parent's over across fork and exec).
const LOADER = `const start = process.hrtime.bigint();
if (process.argv[2]) require(process.argv[2]);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
console.log(JSON.stringify([loadMs, +/VmHWM:\\s*(\\d+)/.exec(status)[1]]));
`;

/**
 * Fresh processes that only `require` the inbound bundle, the floor
 * (`@aws-sdk/client-connect` bundled alone with the same options: the one
 * client the function cannot do without) or nothing, in the function's
 * environment (NODE_OPTIONS=--enable-source-maps, as Lambda applies it),
 * on this Node and Node 24 (the runtime's, tools/node24), taking turns so
 * drift hits all alike. Then one more of the handler under `--cpu-prof`.
 */
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
  const loads = [thisNode, ...(node24.found ? [node24] : [])].flatMap((node) =>
    Object.entries({
      'inbound handler (synthesized bundle)': fn.entry,
      '@aws-sdk/client-connect alone': options.outfile,
      'node alone (requires nothing)': '',
    }).map(([name, file]) => ({ node, name, file, runs: [] as number[][] }))
  );
  const env = common.lambdaEnvironment(fn);
  const load = (node: string, args: string[]): number[] => {
    const child = spawnSync(node, args, { env, encoding: 'utf8' });
    if (child.status === 0) return JSON.parse(child.stdout);
    throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  };
  for (let run = 0; run < runs; run++) {
    for (const { node, file, runs } of loads) {
      runs.push(load(node.path, [loader, file]));
    }
  }
  for (const { node } of loads.filter((l) => l.file === fn.entry)) {
    const dir = path.join(common.PROFILES, `cold-start-node${node.version}`);
    load(node.path, ['--cpu-prof', `--cpu-prof-dir=${dir}`, loader, fn.entry]);
  }
  return {
    skipped: node24.found ? undefined : node24.reason,
    loads: loads.map(({ node, name, file, runs }) => {
      const ms = runs.map(([loadMs = 0]) => loadMs);
      return {
        node: node.version,
        name,
        bytes: file ? statSync(file).size : 0,
        loadMs: common.median(ms),
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        peakRssMb: common.median(runs.map(([, kb = 0]) => kb)) / 1024,
      };
    }),
  };
};
