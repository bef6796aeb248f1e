/**
 * `npm run fault-injection`: drives inbound SMS through the synthesized
 * bundle, behind a simulated SQS queue, against a local Amazon Connect that
 * fails a share of the calls (with --burst: throttles them to a quota), and
 * prints what became of them. Exits non-zero when an SMS was lost,
 * forwarded twice or ended other than it should.
 */
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
  type FaultKind,
  HELD_TO,
  randomFaults,
} from '../tools/fault-injection/connect';
import { runTraffic } from '../tools/fault-injection/run';
import { readQueueSettings } from '../tools/fault-injection/simulation';
import {
  customerTraffic,
  FAULT_INJECTION_CONTEXT,
  generateTraffic,
  PARTICIPANT_FAULT_INJECTION_CONTEXT,
  type Traffic,
} from '../tools/fault-injection/traffic';
import {
  readInboundFunction,
  readParticipantBundles,
  synthesizeBridge,
} from '../tools/harness/synth';

const USAGE = `npm run fault-injection -- [--messages 1000] [--drop-after-messages 200]
npm run fault-injection -- --mode participant [--texts 200] [--customers 40] [--gap-ms 20000]
npm run fault-injection -- --burst [--rate 2,5,20] [--texts 10000] [--customers 2000]
  [--real-rate 30] [--retry-mode adaptive|standard] [--max-concurrency N]
Any of them: [--seed 2026] [--fault-rate 0.35] [--slow-ms 50-1500]
See docs/operations.md (faults) and docs/capacity.md (bursts).`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
};

const { values } = (() => {
  const options: ParseArgsConfig['options'] = {
    burst: { type: 'boolean' },
    help: { type: 'boolean' },
  };
  const strings =
    'mode messages drop-after-messages fault-rate seed texts customers ' +
    'gap-ms rate real-rate retry-mode max-concurrency slow-ms';
  for (const name of strings.split(' ')) options[name] = { type: 'string' };
  try {
    return parseArgs({ options });
  } catch (error) {
    return fail(String(error));
  }
})();
const text = (name: string, fallback: string) => `${values[name] ?? fallback}`;
const number = (name: string, fallback: number) => {
  const value = Number(text(name, `${fallback}`));
  return Number.isFinite(value) ? value : fail(`--${name}: not a number`);
};
const seed = number('seed', 2026);
const faultRate = number('fault-rate', 0.35);
const slow =
  /^(\d+)-(\d+)$/.exec(text('slow-ms', '50-1500')) ?? fail('--slow-ms');
const slowMs = [Number(slow[1]), Number(slow[2])] as const;
const retryMode = text('retry-mode', 'adaptive');
if (!['adaptive', 'standard'].includes(retryMode)) fail('--retry-mode');
const print = (text = '') => process.stdout.write(`${text}\n`);

/** Prints the figures as JSON, to three decimals. */
const show = (title: string, figures: object) => {
  const round = (_: string, value: unknown) =>
    typeof value === 'number' ? Math.round(value * 1e3) / 1e3 : value;
  print(`\n${title}\n${JSON.stringify(figures, round, 2)}`);
};

/** Fails the command for each figure above 0. */
const check = (figures: Readonly<Record<string, number>>) => {
  for (const [name, value] of Object.entries(figures)) {
    if (value === 0) continue;
    process.stderr.write(`FAILED: ${name} ${value}\n`);
    process.exitCode = 1;
  }
};

/** Integration or participant mode under random faults on Connect's calls. */
const faultMode = async (assembly: string, participant: boolean) => {
  const texts = number(
    participant ? 'texts' : 'messages',
    participant ? 200 : 1000
  );
  const customers = number('customers', 40);
  const gapMs = number('gap-ms', 20_000);
  const run = async (traffic: Traffic, kinds: readonly FaultKind[]) => {
    const faults = randomFaults(seed, faultRate, kinds);
    const keyOf = participant ? chatRouteOf : undefined;
    const plan = connectFaults(faults, { seed, slowMs, keyOf });
    const { outcomes, ...report } = await runTraffic({
      bundle: participant
        ? readParticipantBundles(assembly)
        : readInboundFunction(assembly),
      settings: readQueueSettings(assembly),
      seed,
      traffic,
      connect: plan.script,
    });
    const unexplained = outcomes.filter(
      ({ outcome, input }) =>
        outcome === 'duplicated' &&
        !plan.droppedAfter.includes(`${input.connectKey}`)
    ).length;
    return { ...report, faults: plan.figures(), unexplained };
  };
  if (participant) {
    const traffic = customerTraffic({ texts, customers, seed, gapMs });
    const report = await run(traffic, FAULT_KINDS);
    const { outcome, chats } = report;
    show(
      `Participant mode: ${texts} texts from ${customers} customers, ` +
        `${gapMs} ms apart, faults on ${faultRate} of chat calls, seed ${seed}`,
      report
    );
    return check({
      customersWithoutOneChat: customers - (chats?.perCustomer['1'] ?? 0),
      textsInTwoChats: chats?.textsInTwo ?? 0,
      textsTwiceInAChat: outcome.duplicated - (chats?.textsInTwo ?? 0),
      lost: outcome.lost,
      inversions: report.order.inversions,
    });
  }
  const report = await run(generateTraffic(texts, seed), HELD_TO);
  const { outcome, order, logs } = report;
  show(
    `Fault injection: ${texts} inbound SMS, faults on ${faultRate} of ` +
      `Connect calls, seed ${seed}. Connections drop BEFORE Connect ` +
      'processes the call: the case a bridge can be held to.',
    report
  );
  check({
    lost: outcome.lost,
    duplicatesForwarded: outcome.duplicatesForwarded,
    unexpected: outcome.unexpected,
    unattributedEvents: outcome.unattributedEvents,
    inversions: order.inversions,
    logLinesWithPersonalData: logs.withPersonalData,
  });
  const dropAfter = number('drop-after-messages', 200);
  if (dropAfter === 0) return;
  const after = await run(generateTraffic(dropAfter, seed), FAULT_KINDS);
  show(
    `Separate run, ${dropAfter} SMS: connections also drop AFTER Connect ` +
      'processed the call. SendChatIntegrationEvent takes no client token, ' +
      "so the SDK's retry puts the text in the chat twice; no bridge can " +
      'prevent it, and such duplicates are not counted against it.',
    { faults: after.faults, outcome: after.outcome }
  );
  check({
    lostAfterDrops: after.outcome.lost,
    duplicatesWithAnotherCause: after.unexplained,
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
  const traffic = customerTraffic({
    texts,
    customers: number('customers', 2000),
    seed,
  });
  const table: string[][] = [];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  for (const rate of text('rate', '2,5,20').split(',').map(Number)) {
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
      'retry mode': retryMode,
      maxConcurrency: `${maxConcurrency}`,
      texts: fixed(texts),
      'drain s': fixed(drain.seconds),
      'ideal s': fixed(texts / rate),
      'texts/s': fixed(perSecond, 2),
      'share of N': fixed(perSecond / rate, 3),
      'dead-lettered': fixed(outcome.deadLettered),
      lost: fixed(outcome.lost),
      duplicated: fixed(outcome.duplicated),
      inversions: fixed(r.order.inversions),
      'latency p50 s': fixed(r.latency.p50, 1),
      'latency p99 s': fixed(r.latency.p99, 1),
      'calls/text': fixed(quota.figures.calls / texts, 3),
      throttled: fixed(quota.figures.throttled),
      'max receives': fixed(r.queue.maxReceiveCount),
      timeouts: fixed(r.lambda.timeouts),
      'time scale': `${timeScale}x`,
      'wall s': fixed(r.wallSeconds),
    };
    const titles = Object.keys(columns);
    if (table.length === 0)
      table.push(
        titles,
        titles.map(() => '---')
      );
    table.push(Object.values(columns));
    process.stderr.write(`${line(Object.values(columns))}\n`);
    check({
      [`lost at ${rate}/s`]: outcome.lost,
      [`dead-lettered at ${rate}/s`]: outcome.deadLettered,
    });
  }
  print(
    `\nBurst: ${texts} texts at once, seed ${seed}, ${new Date().toISOString()}`
  );
  print(table.map(line).join('\n'));
};

const main = async () => {
  const mode = values.burst ? 'burst' : text('mode', 'integration');
  if (!['burst', 'integration', 'participant'].includes(mode)) {
    fail('--mode must be integration or participant');
  }
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    const assembly = synthesizeBridge(
      mode === 'participant'
        ? PARTICIPANT_FAULT_INJECTION_CONTEXT
        : FAULT_INJECTION_CONTEXT,
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
else
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 2;
  });
