import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { countApiCalls } from './api-calls';
import { measureColdStart, measureFloor } from './floor';
import { measureBundle, OUT, PROFILES, synthesizeFunctions } from './functions';

// `npm run bench [-- --quick]`: see docs/performance.md.
const { quick } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
}).values;
const SETTINGS = quick
  ? { texts: 200, repeats: 2, warmup: 100, chunk: 100, coldRuns: 3 }
  : { texts: 2000, repeats: 5, warmup: 500, chunk: 100, coldRuns: 12 };

const main = async () => {
  const started = performance.now();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  mkdirSync(PROFILES, { recursive: true });
  const functions = synthesizeFunctions();
  const [inbound, participant] = functions;
  const bundles = await Promise.all(functions.map(measureBundle));
  const apiCalls = await countApiCalls(inbound, participant);
  const cold = await measureColdStart(inbound, SETTINGS.coldRuns);
  const floor = await measureFloor(inbound, SETTINGS);

  const commit = execFileSync('git', ['describe', '--always', '--dirty'])
    .toString()
    .trim();
  const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`;
  const n = (value: number, digits = 0) =>
    value.toLocaleString('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  const kib = (bytes: number) => (bytes ? `${n(bytes / 1024, 1)} KiB` : '');
  const x = (ratio: number) => `${n(ratio, 2)}×`;
  const target = (ratio: number, most: number) =>
    `${x(ratio)} | ≤ ${x(most)}: ${ratio <= most ? 'met' : '**not met**'}`;
  const us = (pair: number[]) => pair.map((v) => `${n(v)} µs`).join(' | ');
  const rows = (lines: string[]) =>
    lines.map((line) => `| ${line} |`).join('\n');
  const markdown = `\`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, commit \`${commit}\`, ${machine}, ${Math.round((performance.now() - started) / 1000)} s. Medians.

| Measure | Bridge | Floor | Ratio | Target |
| --- | ---: | ---: | ---: | ---: |
| Time per inbound SMS (${SETTINGS.repeats} × ${n(SETTINGS.texts)} texts in SQS batches of 10; floor: the same 4 SDK calls in a bare loop) | ${us(floor.usPerText)} | ${target(floor.ratio, 1.1)} |
| CPU per inbound SMS in the function process (same rounds) | ${us(floor.cpuUsPerText)} | ${x(floor.cpuRatio)} |  |
${rows(cold.nodes.map(({ version, loads: [h, c] }) => `Cold start on Node ${version}: \`require\` in a fresh process (floor: @aws-sdk/client-connect bundled alone) | ${n(h?.loadMs ?? 0, 1)} ms | ${n(c?.loadMs ?? 0, 1)} ms | ${target((h?.loadMs ?? 0) / (c?.loadMs ?? 0), 1.15)}`))}

Repeats' ratios: ${floor.ratios.map((r) => n(r, 2)).join(', ')}. The floor's requests match the handler's on the wire.${cold.skipped ? ` Node 24 not measured: ${cold.skipped}` : ''}

#### Cold start

| Node | Module | Bundle | require (ms) | min–max | Peak RSS (MB) |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows(cold.nodes.flatMap(({ version, loads }) => loads.map((l) => `${version} | ${l.name} | ${kib(l.bytes)} | ${n(l.loadMs, 1)} | ${n(l.minMs)}–${n(l.maxMs)} | ${n(l.peakRssMb, 1)}`)))}

#### Bundles (minified, as \`cdk synth\` wrote them; composition by esbuild \`analyzeMetafile\`)

| Function | index.js | gzip | Source map | Largest inputs |
| --- | ---: | ---: | ---: | ---: |
${rows(bundles.map((b) => `${b.id} | ${b.sizes.map(kib).join(' | ')} | ${b.largest.join('; ')}`))}

#### API calls per inbound SMS (counted at the local endpoints)

| Mode | Text | Calls | Total |
| --- | ---: | ---: | ---: |
${rows(apiCalls.map((s) => `${s.mode} | ${s.step} | ${s.calls} | ${s.n}`))}
`;
  const results = { commit, machine, SETTINGS, floor, cold, bundles, apiCalls };
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results));
  writeFileSync(path.join(OUT, 'results.md'), markdown);
  process.stdout.write(`\n${markdown}`);
};

// Bundles loaded here keep sockets open: leave when done.
main().then(() => process.exit(0));
