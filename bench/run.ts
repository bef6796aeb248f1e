import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';
import { countApiCalls } from './api-calls';
import { measureBundle } from './bundle-size';
import { measureColdStart } from './cold-start';
import { buildMissingBundles, synthesizeFunctions } from './functions';
import { profileHotPath } from './hot-path';
import { fromRoot, OUT, RESULTS_JSON, RESULTS_TABLE, ROOT } from './paths';
import { type Results, renderMarkdown } from './report';
import { measureThroughput, startLocalAws } from './throughput';
import { buildWorkers } from './workers';

/**
 * `npm run bench`: per-message overhead against the SDK's floor, cold
 * start, bundle sizes, API calls per text and a profile of the hot path,
 * in one run on this machine. Writes bench/results.json and
 * bench/README-table.md, puts the table into docs/performance.md and prints
 * it. Everything it talks to is on 127.0.0.1; it stops itself after five
 * minutes.
 */
const SETTINGS = {
  texts: positive('BENCH_TEXTS', 2_000),
  repeats: positive('BENCH_REPEATS', 5),
  warmupTexts: positive('BENCH_WARMUP_TEXTS', 500),
  chunkTexts: positive('BENCH_CHUNK_TEXTS', 100),
  coldRuns: positive('BENCH_COLD_RUNS', 12),
};
const TARGETS = { perMessage: 1.1, coldStart: 1.15 };
const LIMIT_MS = 5 * 60 * 1000;

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number`);
  }
  return value;
}

const log = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`
  );
const started = performance.now();

const main = async (): Promise<void> => {
  // The local Node may be older than Lambda's; the SDK need not say so.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  mkdirSync(OUT, { recursive: true });

  log(
    'synthesizing the app (default, then participant mode with two-way wiring)'
  );
  const { functions, synths } = synthesizeFunctions();
  await buildMissingBundles(functions);
  for (const fn of Object.values(functions)) {
    log(
      `${fn.id}: ${fn.origin}${fn.note ? ` (${fn.note})` : ''} ${fromRoot(fn.entry)}`
    );
  }

  log('bundle sizes');
  const bundles = [];
  for (const fn of Object.values(functions))
    bundles.push(await measureBundle(fn));

  log('API calls per text');
  const apiCalls = [
    await countApiCalls(
      functions['inbound-integration-event'],
      'integration-event'
    ),
    await countApiCalls(functions['inbound-participant'], 'participant'),
  ];

  log(
    `cold start (${SETTINGS.coldRuns} runs per variant, on this Node and on Node 24)`
  );
  const coldStart = await measureColdStart(functions, SETTINGS.coldRuns);

  const files = await buildWorkers();
  const aws = await startLocalAws();
  const inbound = functions['inbound-integration-event'];
  let throughput: Results['throughput'];
  let hotPath: Results['hotPath'];
  try {
    log(
      `per-message overhead (${SETTINGS.repeats} × ${SETTINGS.texts} texts each)`
    );
    throughput = await measureThroughput(inbound, files, aws, SETTINGS);
    log('profiling the hot path');
    hotPath = await profileHotPath(inbound, files, aws, SETTINGS);
  } finally {
    await aws.close();
  }

  const results: Results = {
    command: 'npm run bench',
    generatedAt: new Date().toISOString(),
    commit: commit(),
    machine: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      platform: `${process.platform} ${process.arch}`,
      memoryMb: Math.round(totalmem() / 2 ** 20),
    },
    durationSeconds: Math.round((performance.now() - started) / 1000),
    settings: SETTINGS,
    targets: {
      perMessage: {
        target: TARGETS.perMessage,
        measured: throughput.ratio,
        met: throughput.ratio <= TARGETS.perMessage,
      },
      coldStart: {
        target: TARGETS.coldStart,
        measured: coldStart.ratio,
        met: coldStart.ratio <= TARGETS.coldStart,
      },
      ...('skipped' in coldStart.node24
        ? {}
        : {
            coldStartNode24: {
              target: TARGETS.coldStart,
              measured: coldStart.node24.ratio,
              met: coldStart.node24.ratio <= TARGETS.coldStart,
            },
          }),
    },
    synths,
    functions: Object.values(functions).map((fn) => ({
      id: fn.id,
      origin: fn.origin,
      bundle: fromRoot(fn.entry),
      ...(fn.note ? { note: fn.note } : {}),
    })),
    throughput,
    coldStart,
    bundles,
    apiCalls,
    hotPath,
  };
  const markdown = renderMarkdown(results);
  writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
  formatWithBiome(RESULTS_JSON);
  writeFileSync(RESULTS_TABLE, markdown);
  updatePerformancePage(markdown);
  log(`wrote ${fromRoot(RESULTS_JSON)} and ${fromRoot(RESULTS_TABLE)}`);
  process.stdout.write(`\n${markdown}`);
};

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/**
 * Puts the table into docs/performance.md between the bench markers, when
 * the page has them; a page without them is left alone.
 */
const updatePerformancePage = (markdown: string): void => {
  const page = path.join(ROOT, 'docs', 'performance.md');
  const text = existsSync(page) ? readFileSync(page, 'utf8') : '';
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin === -1 || end < begin) {
    log(`${fromRoot(page)} has no ${BEGIN} ... ${END} markers; not updated`);
    return;
  }
  writeFileSync(
    page,
    `${text.slice(0, begin + BEGIN.length)}\n\n${markdown}\n${text.slice(end)}`
  );
  log(`updated the table in ${fromRoot(page)}`);
};

/** Lays the JSON out as `biome ci` wants it, so the committed file passes. */
const formatWithBiome = (file: string): void => {
  try {
    execFileSync(
      process.execPath,
      [require.resolve('@biomejs/biome/bin/biome'), 'format', '--write', file],
      { cwd: ROOT, stdio: 'ignore' }
    );
  } catch {
    log(
      `could not format ${fromRoot(file)} with Biome; it is still valid JSON`
    );
  }
};

/** The commit measured, marked when the tree had changes. */
const commit = (): string => {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === ''
      ? head
      : `${head}+changes`;
  } catch {
    return 'unknown';
  }
};

const watchdog = setTimeout(() => {
  log(`stopped: the bench took over ${LIMIT_MS / 60_000} minutes`);
  process.exit(2);
}, LIMIT_MS);
watchdog.unref();

main().then(
  // Bundles loaded in this process keep sockets and timers: leave now.
  () => process.exit(0),
  (error: unknown) => {
    log(
      `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
    );
    process.exit(1);
  }
);
