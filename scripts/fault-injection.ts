/** Inbound SMS through the bundle against a failing or throttling local Connect. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  chatRouteOf,
  connectFaults,
  connectQuota,
  FAULT_KINDS,
  HELD_TO,
  randomFaults,
} from '../tools/fault-injection/connect';
import { runTraffic } from '../tools/fault-injection/run';
import { readQueueSettings } from '../tools/fault-injection/simulation';
import { generateTraffic } from '../tools/fault-injection/traffic';
import {
  readInboundFunction,
  readParticipantBundles,
  SAMPLE_CONTEXT,
  SAMPLE_PARTICIPANT_CONTEXT,
  synthesizeBridge,
} from '../tools/harness/synth';

const USAGE = `npm run fault-injection -- [--mode participant] [--burst] [--seed 2026]
  [--texts N] [--customers N] [--gap-ms N] (not with --burst), [--rate 2,5,20]
  [--real-rate 30] [--retry-mode adaptive|standard] [--max-concurrency N] (--burst)
See docs/operations.md (faults) and docs/capacity.md (bursts).`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
};

const options: ParseArgsConfig['options'] = {
  burst: { type: 'boolean' },
  help: { type: 'boolean' },
};
const strings =
  'mode seed texts customers gap-ms rate real-rate retry-mode max-concurrency';
for (const name of strings.split(' ')) options[name] = { type: 'string' };
const { values } = parseArgs({ options });
const text = (name: string, fallback: string) => `${values[name] ?? fallback}`;
const number = (name: string, fallback: number) => {
  const value = Number(text(name, `${fallback}`));
  return Number.isFinite(value) ? value : fail(`--${name}: not a number`);
};
const seed = number('seed', 2026);
const retryMode = text('retry-mode', 'adaptive');
if (!['adaptive', 'standard'].includes(retryMode)) fail('--retry-mode');
const print = (text = '') => process.stdout.write(`${text}\n`);

const check = (figures: Readonly<Record<string, number>>) => {
  for (const [name, value] of Object.entries(figures)) {
    if (value === 0) continue;
    process.stderr.write(`FAILED: ${name} ${value}\n`);
    process.exitCode = 1;
  }
};

// Faults on 35% of Connect's calls (participant mode: of the chat calls);
// integration mode meets only those a bridge can be held to (`HELD_TO`).
const faultMode = async (assembly: string, participant: boolean) => {
  const faults = connectFaults(
    randomFaults(seed, 0.35, participant ? FAULT_KINDS : HELD_TO),
    { seed, keyOf: participant ? chatRouteOf : undefined }
  );
  const { outcomes: _, ...report } = await runTraffic({
    bundle: participant
      ? readParticipantBundles(assembly)
      : readInboundFunction(assembly),
    settings: readQueueSettings(assembly),
    seed,
    traffic: generateTraffic({
      messages: number('texts', participant ? 200 : 1000),
      customers: number('customers', participant ? 40 : 300),
      seed,
      gapMs: number('gap-ms', participant ? 20_000 : 0),
      undeliverable: !participant,
    }),
    connect: faults.script,
  });
  const round = (_: string, value: unknown) =>
    typeof value === 'number' ? Math.round(value * 1e3) / 1e3 : value;
  print(JSON.stringify({ ...report, faults: faults.figures() }, round, 2));
  const { outcome, chats } = report;
  check({
    lost: outcome.lost,
    duplicated: outcome.duplicated,
    unexpected: outcome.unexpected,
    unattributedEvents: outcome.unattributedEvents,
    inversions: report.inversions,
    logLinesWithPersonalData: report.logs.withPersonalData,
    customersWithoutOneChat: chats?.customersWithoutOne ?? 0,
    textsInTwoChats: chats?.textsInTwo ?? 0,
  });
};

/**
 * Runs this process `factor` times faster than the wall clock: `Date.now`,
 * `performance.now`, `setTimeout` and `setInterval` move on one scaled
 * clock, so the SDK's backoff and rate limiter, the local Connect's bucket
 * and the simulated queue keep their proportions (docs/capacity.md).
 */
const scaleTime = (factor: number) => {
  const [realNow, realPerf] = [Date.now, performance.now.bind(performance)];
  const timers = { setTimeout, setInterval };
  const [dateStart, perfStart] = [Date.now(), performance.now()];
  Date.now = () => dateStart + (realNow() - dateStart) * factor;
  performance.now = () => perfStart + (realPerf() - perfStart) * factor;
  const scaled = (timer: typeof setTimeout) =>
    ((callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) =>
      timer(callback, ms / factor, ...args)) as typeof setTimeout;
  Object.assign(globalThis, {
    setTimeout: scaled(timers.setTimeout),
    setInterval: scaled(timers.setInterval as unknown as typeof setTimeout),
  });
  return () => {
    Date.now = realNow;
    // The own property shadows the prototype's method.
    delete (performance as { now?: unknown }).now;
    Object.assign(globalThis, timers);
  };
};

const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** One run per quota, each on a process clock scaled to --real-rate. */
const burstMode = async (assembly: string) => {
  const bundle = readInboundFunction(assembly);
  const synthesized = readQueueSettings(assembly);
  const maxConcurrency = number('max-concurrency', synthesized.maxConcurrency);
  const settings = { ...synthesized, maxConcurrency };
  const texts = number('texts', 10_000);
  const customers = number('customers', 2000);
  const traffic = generateTraffic({ messages: texts, customers, seed });
  print(
    `Burst: ${texts} texts from ${customers} customers at once, retry mode ${retryMode}, maxConcurrency ${maxConcurrency}, seed ${seed}, ${new Date().toISOString()}\n`
  );
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rates = text('rate', '2,5,20').split(',').map(Number);
  for (const rate of rates) {
    const timeScale = Math.max(1, number('real-rate', 30) / rate);
    const restore = scaleTime(timeScale);
    const quota = connectQuota(rate);
    const r = await runTraffic({
      bundle,
      settings,
      seed,
      traffic,
      connect: quota.script,
      environment: { AWS_RETRY_MODE: retryMode },
      strayRate: 0,
    }).finally(restore);
    const { drain, outcome } = r;
    const perSecond = drain.delivered / Math.max(drain.seconds, 1e-9);
    const columns = {
      'quota N/s (burst)': `${rate} (${quota.burst})`,
      'drain s': fixed(drain.seconds),
      'share of N': fixed(perSecond / rate, 3),
      inversions: fixed(r.inversions),
      'latency p50 s': fixed(r.latency.p50, 1),
      'latency p99 s': fixed(r.latency.p99, 1),
      'calls/text': fixed(quota.figures.calls / texts, 3),
      throttled: fixed(quota.figures.throttled),
      'max receives': fixed(r.queue.maxReceiveCount),
      timeouts: fixed(r.lambda.timeouts),
    };
    const titles = Object.keys(columns);
    if (rate === rates[0])
      print(`${line(titles)}\n${line(titles.map(() => '---'))}`);
    print(line(Object.values(columns)));
    check({
      [`lost at ${rate}/s`]: outcome.lost,
      [`dead-lettered at ${rate}/s`]: outcome.deadLettered,
      [`duplicated at ${rate}/s`]: outcome.duplicated,
    });
  }
};

const main = async () => {
  const mode = values.burst ? 'burst' : text('mode', 'integration');
  if (!['burst', 'integration', 'participant'].includes(mode)) {
    fail('--mode must be integration or participant');
  }
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    const assembly = synthesizeBridge(
      mode === 'participant' ? SAMPLE_PARTICIPANT_CONTEXT : SAMPLE_CONTEXT,
      outdir
    );
    print(`npm run fault-injection -- ${process.argv.slice(2).join(' ')}`);
    if (mode === 'burst') await burstMode(assembly);
    else await faultMode(assembly, mode === 'participant');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

if (values.help) print(USAGE);
else void main();
