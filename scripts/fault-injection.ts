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
import { parseArgs } from 'node:util';
import {
  chatCallKeyOf,
  connectFaults,
  connectQuota,
  EVERY_FAULT,
  type FaultWeights,
  HELD_TO,
  randomFaults,
} from '../tools/fault-injection/connect';
import { runInbound, runParticipant } from '../tools/fault-injection/run';
import { readQueueSettings } from '../tools/fault-injection/simulation';
import {
  customerTraffic,
  FAULT_INJECTION_CONTEXT,
  generateTraffic,
  PARTICIPANT_FAULT_INJECTION_CONTEXT,
} from '../tools/fault-injection/traffic';
import {
  readInboundFunction,
  readParticipantBundles,
  synthesizeBridge,
} from '../tools/harness/synth';

const USAGE = `Usage: npm run fault-injection -- [--messages 1000] [--fault-rate 0.35]
         [--seed 2026] [--slow-ms 50-1500] [--drop-after-messages 200]
       npm run fault-injection -- --mode participant [--texts 200]
         [--customers 40] [--gap-ms 20000] [--fault-rate 0.35]
       npm run fault-injection -- --burst [--rate 2,5,20] [--texts 10000]
         [--customers 2000] [--retry-mode adaptive] [--real-rate 30]
         [--max-concurrency 2]

  Integration mode (default): --messages SMS (duplicates not counted),
  faults on --fault-rate of Connect calls, slow answers --slow-ms late,
  and a separate run of --drop-after-messages SMS (0 skips it) that also
  drops connections after Connect processed the call (docs/operations.md).
  --mode participant: --texts from --customers, a customer's --gap-ms
  apart; faults on every chat call (docs/operations.md).
  --burst: --texts from --customers at once against a Connect that takes
  --rate calls/s per API (token bucket, burst 2.5 x rate), with the SDK's
  --retry-mode, the event source's --max-concurrency, and the clock scaled
  so Connect takes --real-rate calls per wall-clock second (docs/capacity.md).`;

const usageError = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
};

const parse = () =>
  parseArgs({
    options: {
      mode: { type: 'string', default: 'integration' },
      burst: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      'slow-ms': { type: 'string', default: '50-1500' },
      rate: { type: 'string', default: '2,5,20' },
      'retry-mode': { type: 'string', default: 'adaptive' },
      messages: { type: 'string' },
      'drop-after-messages': { type: 'string' },
      'fault-rate': { type: 'string' },
      seed: { type: 'string' },
      texts: { type: 'string' },
      customers: { type: 'string' },
      'gap-ms': { type: 'string' },
      'real-rate': { type: 'string' },
      'max-concurrency': { type: 'string' },
    },
    strict: true,
  });
const { values } = (() => {
  try {
    return parse();
  } catch (error) {
    return usageError(String((error as Error).message));
  }
})();

const number = (name: keyof typeof values, fallback: number) => {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !Number.isFinite(Number(value || 'x'))) {
    usageError(`--${name} must be a number, got ${value}`);
  }
  return Number(value);
};

const seed = number('seed', 2026);
const faultRate = number('fault-rate', 0.35);
const slow =
  /^(\d+)-(\d+)$/.exec(values['slow-ms']) ??
  usageError('--slow-ms must look like 50-1500');
const slowMs = [Number(slow[1]), Number(slow[2])] as const;
const retryMode = values['retry-mode'];
if (retryMode !== 'adaptive' && retryMode !== 'standard') {
  usageError(`--retry-mode must be adaptive or standard: ${retryMode}`);
}

const print = (text = '') => process.stdout.write(`${text}\n`);

const fail = (problems: readonly (string | false)[]) => {
  for (const problem of problems.filter((p) => p !== false)) {
    process.stderr.write(`FAILED: ${problem}\n`);
    process.exitCode = 1;
  }
};

const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** The figures one a line, nested names joined with dots. */
const table = (title: string, figures: object) => {
  const rows: [string, string][] = [];
  const walk = (value: unknown, name: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const shown =
        typeof value === 'number' ? Math.round(value * 1000) / 1000 : value;
      rows.push([name, String(shown)]);
    } else {
      for (const [key, inner] of Object.entries(value)) {
        walk(inner, name === '' ? key : `${name}.${key}`);
      }
    }
  };
  walk(figures, '');
  const width = Math.max(
    ...rows.map(([name, value]) => name.length + value.length)
  );
  return [
    title,
    ...rows.map(
      ([name, value]) => `  ${name}  ${value.padStart(width - name.length)}`
    ),
  ].join('\n');
};

const percent = (share: number) => `${fixed(share * 100, 1)}%`;

const integrationMode = async (assembly: string) => {
  const fn = readInboundFunction(assembly);
  const settings = readQueueSettings(assembly);
  const run = async (messages: number, weights: FaultWeights) => {
    const faults = connectFaults(randomFaults(seed, faultRate, weights), {
      seed,
      slowMs,
    });
    const { outcomes, ...report } = await runInbound({
      fn,
      settings,
      seed,
      traffic: generateTraffic(messages, seed),
      connect: faults.script,
    });
    const figures = { ...report, faults: faults.figures() };
    return { figures, outcomes, droppedAfter: faults.droppedAfter };
  };
  const messages = number('messages', 1000);
  const { figures, outcomes } = await run(messages, HELD_TO);
  const { outcome, order, logs } = figures;
  print(
    table(
      `Fault injection: ${fixed(messages)} inbound SMS, faults asked on ` +
        `${percent(faultRate)} of Connect calls (slow ones ${values['slow-ms']} ms), seed ${seed}`,
      figures
    )
  );
  print(
    'Dropped connections are injected BEFORE Connect processes the call: ' +
      'the case a bridge can be held to.'
  );
  const unexpected = outcomes
    .filter((o) => !o.expected)
    .slice(0, 5)
    .map(({ input: { trackingId, kind }, ...o }) => ({
      trackingId,
      kind,
      ...o,
    }));
  fail([
    outcome.lost > 0 && `${outcome.lost} SMS lost`,
    outcome.duplicatesForwarded > 0 &&
      `${outcome.duplicatesForwarded} duplicates forwarded`,
    outcome.unexpected > 0 &&
      `${outcome.unexpected} SMS ended other than expected: ${JSON.stringify(unexpected)}`,
    order.inversions > 0 &&
      `${order.inversions} inversions within a conversation`,
    outcome.unattributedEvents > 0 &&
      `${outcome.unattributedEvents} events Connect accepted match no SMS`,
    logs.withPersonalData > 0 &&
      `${logs.withPersonalData} log lines hold a phone number or a text`,
  ]);

  const dropAfterMessages = number('drop-after-messages', 200);
  if (dropAfterMessages === 0) return;
  const after = await run(dropAfterMessages, EVERY_FAULT);
  const unexplained = after.outcomes.filter(
    (o) =>
      o.outcome === 'duplicated' &&
      !after.droppedAfter.has(o.input.connectKey ?? '')
  ).length;
  print();
  print(
    table(
      'Separate run: connections also dropped AFTER Connect processed the ' +
        `call (${fixed(dropAfterMessages)} SMS)`,
      {
        faults: after.figures.faults,
        outcome: after.figures.outcome,
        duplicatedWithoutADropAfter: unexplained,
      }
    )
  );
  print(
    'SendChatIntegrationEvent takes no client token: when the connection ' +
      'drops AFTER Connect processed the call, the SDK retries and the ' +
      'chat gets the text twice. Nothing in the bridge can prevent it; ' +
      'these duplicates are not counted against it.'
  );
  const { lost } = after.figures.outcome;
  fail([
    lost > 0 && `${lost} SMS lost in the drop-after run`,
    unexplained > 0 && 'a duplicate in the drop-after run has another cause',
  ]);
};

const participantMode = async (assembly: string) => {
  const faults = connectFaults(randomFaults(seed, faultRate, EVERY_FAULT), {
    seed,
    slowMs,
    keyOf: chatCallKeyOf,
  });
  const customers = number('customers', 40);
  const report = await runParticipant({
    bundles: readParticipantBundles(assembly),
    settings: readQueueSettings(assembly),
    seed,
    traffic: customerTraffic({
      texts: number('texts', 200),
      customers,
      seed,
      gapMs: number('gap-ms', 20_000),
    }),
    faults: faults.script,
  });
  print(
    table(
      `Participant mode under faults: ${report.texts} texts from ${customers} ` +
        `customers, a customer's ${values['gap-ms'] ?? 20_000} ms apart, ` +
        `faults asked on ${percent(faultRate)} of chat calls, seed ${seed}`,
      { ...report, faults: faults.figures() }
    )
  );
  fail([
    report.chatsPerCustomer['1'] !== customers &&
      `chats per customer: ${JSON.stringify(report.chatsPerCustomer)}`,
    report.textsInTwoChats > 0 &&
      `${report.textsInTwoChats} texts in two chats`,
    report.textsTwiceInAChat > 0 &&
      `${report.textsTwiceInAChat} texts twice in one chat`,
    report.lost > 0 && `${report.lost} texts lost`,
    report.inversions > 0 && `${report.inversions} inversions`,
  ]);
};

/**
 * Runs this whole process `factor` times faster than the wall clock:
 * `Date.now`, `performance.now`, `setTimeout` and `setInterval` move on one
 * scaled clock, so the bundle's SDK backoff and rate limiter, the local
 * Connect's bucket and the simulated queue keep their proportions. Work
 * that takes CPU time looks `factor` times slower, and socket timeouts stay
 * on the wall clock (docs/capacity.md).
 */
const scaleTime = (factor: number) => {
  const real = {
    Date: Date.now,
    performance: performance.now,
    setTimeout,
    setInterval,
  };
  const [dateStart, performanceStart] = [Date.now(), performance.now()];
  Date.now = () => dateStart + (real.Date() - dateStart) * factor;
  performance.now = () =>
    performanceStart +
    (real.performance.call(performance) - performanceStart) * factor;
  const scaled = (timer: typeof setTimeout) =>
    ((callback: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) =>
      timer(callback, ms / factor, ...args)) as typeof setTimeout;
  globalThis.setTimeout = scaled(real.setTimeout);
  globalThis.setInterval = scaled(
    real.setInterval as unknown as typeof setTimeout
  ) as unknown as typeof setInterval;
  return () => {
    Date.now = real.Date;
    // The own property shadows the prototype's method.
    delete (performance as { now?: unknown }).now;
    Object.assign(globalThis, {
      setTimeout: real.setTimeout,
      setInterval: real.setInterval,
    });
  };
};

const markdown = (rows: readonly Record<string, string>[]) => {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const titles = Object.keys(rows[0] ?? {});
  return [
    line(titles),
    line(titles.map(() => '---')),
    ...rows.map((row) => line(Object.values(row))),
  ].join('\n');
};

/** One run per quota, each on a process clock scaled to --real-rate. */
const burstMode = async (assembly: string) => {
  const fn = readInboundFunction(assembly);
  const synthesized = readQueueSettings(assembly);
  const settings = {
    ...synthesized,
    maxConcurrency: number('max-concurrency', synthesized.maxConcurrency),
  };
  const texts = number('texts', 10_000);
  const traffic = customerTraffic({
    texts,
    customers: number('customers', 2000),
    seed,
  });
  const rows: Record<string, string>[] = [];
  for (const rate of values.rate.split(',').map(Number)) {
    const timeScale = Math.max(1, number('real-rate', 30) / rate);
    const restore = scaleTime(timeScale);
    try {
      const quota = connectQuota(rate);
      const r = await runInbound({
        fn,
        settings,
        seed,
        traffic,
        connect: quota.script,
        environment: { AWS_RETRY_MODE: retryMode },
        strayRate: 0,
      });
      const drain = r.drain.seconds;
      const perSecond = drain === 0 ? 0 : r.drain.delivered / drain;
      rows.push({
        'quota N/s (burst)': `${rate} (${quota.burst})`,
        'retry mode': retryMode,
        maxConcurrency: String(settings.maxConcurrency),
        texts: fixed(texts),
        'drain s': fixed(drain),
        'ideal s': fixed(texts / rate),
        'texts/s': fixed(perSecond, 2),
        'share of N': fixed(perSecond / rate, 3),
        'dead-lettered': fixed(r.outcome.deadLettered),
        lost: fixed(r.outcome.lost),
        duplicated: fixed(r.outcome.duplicated),
        inversions: fixed(r.order.inversions),
        'latency p50 s': fixed(r.latency.p50, 1),
        'latency p99 s': fixed(r.latency.p99, 1),
        'calls/text': fixed(r.connect.calls / texts, 3),
        throttled: fixed(r.connect.throttled),
        'max receives': fixed(r.queue.maxReceiveCount),
        timeouts: fixed(r.lambda.timeouts),
        'time scale': `${timeScale}x`,
        'wall s': fixed(r.time.wallSeconds),
      });
      process.stderr.write(`${markdown(rows.slice(-1))}\n`);
      fail([
        r.outcome.lost > 0 && `${r.outcome.lost} texts lost at ${rate}/s`,
        r.outcome.deadLettered > 0 &&
          `${r.outcome.deadLettered} texts dead-lettered at ${rate}/s: ` +
            JSON.stringify(r.outcome.deadLetteredByReason),
      ]);
    } finally {
      restore();
    }
  }
  print();
  print(
    `Burst: ${texts} texts published at once, seed ${seed}, ${new Date().toISOString()}`
  );
  print(markdown(rows));
};

const main = async () => {
  if (values.help) {
    print(USAGE);
    return;
  }
  const mode = values.burst
    ? burstMode
    : values.mode === 'participant'
      ? participantMode
      : values.mode === 'integration'
        ? integrationMode
        : usageError('--mode must be integration or participant');
  const context =
    mode === participantMode
      ? PARTICIPANT_FAULT_INJECTION_CONTEXT
      : FAULT_INJECTION_CONTEXT;
  print(`npm run fault-injection -- ${process.argv.slice(2).join(' ')}`);
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    await mode(synthesizeBridge(context, outdir));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 2;
});
