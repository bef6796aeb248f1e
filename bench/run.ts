import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { countApiCalls } from './api-calls';
import { measureBundle } from './bundle-size';
import { measureColdStart } from './cold-start';
import { synthesizeFunctions } from './functions';
import { fromRoot, OUT, PROFILES, ROOT } from './paths';
import { renderTables } from './tables';
import { measureFloor } from './throughput';
import { buildWorkers } from './workers';

/**
 * `npm run bench`: time and CPU per inbound SMS against the SDK's floor,
 * cold start against client-connect alone (this Node and Node 24), bundle
 * sizes and API calls per text, in one run on this machine against local
 * endpoints on 127.0.0.1. Prints its tables; writes them, the JSON and V8
 * profiles to bench/out/ (ignored by git). `--quick` runs fewer texts, to
 * check the bench itself rather than to measure.
 */
const { quick } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
}).values;
const SETTINGS = quick
  ? { texts: 200, repeats: 2, warmupTexts: 100, chunkTexts: 100, coldRuns: 3 }
  : {
      texts: 2_000,
      repeats: 5,
      warmupTexts: 500,
      chunkTexts: 100,
      coldRuns: 12,
    };
const LIMIT_MS = 10 * 60 * 1000;

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`
  );

const main = async (): Promise<void> => {
  // Lambda runs Node 24; the SDK need not warn about the local Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  mkdirSync(PROFILES, { recursive: true });
  log('synthesizing the app (default, then participant mode with two-way)');
  const functions = synthesizeFunctions();
  const inbound = functions['inbound-integration-event'];

  log('bundle sizes (esbuild metafile)');
  const bundles = [];
  for (const fn of Object.values(functions)) {
    bundles.push(await measureBundle(fn));
  }
  log('API calls per text');
  const apiCalls = await countApiCalls(
    inbound,
    functions['inbound-participant']
  );
  log(`cold start (${SETTINGS.coldRuns} runs each, this Node and Node 24)`);
  const coldStart = await measureColdStart(inbound, SETTINGS.coldRuns);
  log(`floor A/B (${SETTINGS.repeats} × ${SETTINGS.texts} texts each)`);
  const floor = await measureFloor(inbound, await buildWorkers(), SETTINGS);

  const results = {
    generatedAt: new Date().toISOString(),
    commit: commit(),
    machine: `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    settings: SETTINGS,
    floor,
    coldStart,
    bundles: bundles.map(({ analysis: _text, ...size }) => size),
    apiCalls,
  };
  const tables = renderTables({ ...results, bundles });
  writeFileSync(
    path.join(OUT, 'results.json'),
    `${JSON.stringify(results, null, 2)}\n`
  );
  writeFileSync(path.join(OUT, 'results.md'), tables);
  log(`wrote ${fromRoot(OUT)}/results.json, results.md and profiles/`);
  process.stdout.write(`\n${tables}`);
};

/** The commit measured, `-dirty` when the tree had changes. */
const commit = (): string =>
  execFileSync('git', ['describe', '--always', '--dirty'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();

setTimeout(() => {
  log(`stopped: the bench took over ${LIMIT_MS / 60_000} minutes`);
  process.exit(2);
}, LIMIT_MS).unref();

main().then(
  // Bundles loaded in this process keep sockets and timers: leave now.
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  }
);
