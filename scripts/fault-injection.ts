/**
 * `npm run fault-injection`: drives inbound SMS through the synthesized
 * bundle, behind a simulated SQS queue, against a local Amazon Connect that
 * fails a share of the calls, and prints what became of every SMS as a
 * table and as JSON. Exits non-zero when an SMS was lost, forwarded twice
 * or ended other than it should.
 *
 * Dropped connections are injected BEFORE Connect processes the call.
 * `SendChatIntegrationEvent` takes no client token, so a connection
 * dropped after Connect processed the call makes the SDK retry and the
 * chat gets the text twice; nothing in the bridge can prevent that. A
 * separate run measures that case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatBurstTable,
  type Scaled,
} from '../tools/fault-injection/burst-report';
import { type BurstReport, runBurst } from '../tools/fault-injection/burst-run';
import { DEFAULT_WEIGHTS } from '../tools/fault-injection/connect-faults';
import {
  PARTICIPANT_FAULT_INJECTION_CONTEXT,
  runParticipantFaultInjection,
} from '../tools/fault-injection/participant-run';
import {
  formatDropAfterReport,
  formatParticipantReport,
  formatReport,
} from '../tools/fault-injection/report';
import {
  type FaultInjectionReport,
  runFaultInjection,
} from '../tools/fault-injection/run';
import { scaleTime } from '../tools/fault-injection/scaled-time';
import { readQueueSettings } from '../tools/fault-injection/stack-settings';
import { FAULT_INJECTION_CONTEXT } from '../tools/fault-injection/traffic';
import {
  readInboundFunction,
  readParticipantBundles,
  synthesizeBridge,
} from '../tools/harness/synth';

const USAGE = `Usage: npm run fault-injection -- [--messages 1000] [--fault-rate 0.35]
         [--seed 2026] [--slow-ms 50-1500] [--drop-after-messages 200]
       npm run fault-injection -- --mode participant [--customers 40]
         [--texts-per-customer 5] [--gap-ms 20000] [--fault-rate 0.35]
       npm run fault-injection -- --burst [--rate 2,5,20] [--texts 10000]
         [--customers 2000] [--retry-mode adaptive] [--real-rate 30]
         [--max-concurrency 2]

  --burst                a campaign's replies published at once, against a
                         Connect that takes --rate calls/s per API (a token
                         bucket, burst 2.5 x rate) and throttles the rest;
                         no other faults (docs/capacity.md)
  --rate                 Connect's quotas to run, calls per second, comma
                         separated
  --texts                burst: texts published at once
  --customers            burst: customers sending them (default 2000)
  --retry-mode           burst: adaptive (the bundle's default) or standard
  --max-concurrency      burst: the event source's maxConcurrency, in place
                         of the synthesized one (the stack's setting)
  --real-rate            burst: Connect calls per wall-clock second; the
                         process clock runs real-rate / rate times faster
                         than the wall clock (at least 1x)

  --mode                 integration (default) or participant: chats opened
                         with StartChatContact, faults on every chat call
                         (answers lost after processing included)
  --customers            participant mode: customers texting
  --texts-per-customer   participant mode: texts each customer sends
  --gap-ms               participant mode: simulated time between a
                         customer's texts (each lands in the first half)

  --messages             inbound SMS to publish (duplicates not counted)
  --fault-rate           share of Connect calls that meet a fault, 0 to 1
  --seed                 seed of the traffic, the faults and the queue
  --slow-ms              how late a slow answer comes, min-max in ms (< 6000)
  --drop-after-messages  SMS for the separate run that also drops
                         connections after Connect processed the call
                         (0 skips it)`;

const print = (text = '') => {
  process.stdout.write(`${text}\n`);
};

const numberOption = (value: string | undefined, name: string) => {
  const number = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(number)) {
    throw new Error(`--${name} must be a number, got ${value}`);
  }
  return number;
};

const readOptions = () => {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000' },
      'fault-rate': { type: 'string', default: '0.35' },
      seed: { type: 'string', default: '2026' },
      'slow-ms': { type: 'string', default: '50-1500' },
      'drop-after-messages': { type: 'string', default: '200' },
      mode: { type: 'string', default: 'integration' },
      customers: { type: 'string', default: '40' },
      'texts-per-customer': { type: 'string', default: '5' },
      'gap-ms': { type: 'string', default: '20000' },
      burst: { type: 'boolean', default: false },
      rate: { type: 'string', default: '2,5,20' },
      texts: { type: 'string', default: '10000' },
      'retry-mode': { type: 'string', default: 'adaptive' },
      'real-rate': { type: 'string', default: '30' },
      'max-concurrency': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.mode !== 'integration' && values.mode !== 'participant') {
    throw new Error(
      `--mode must be integration or participant, got ${values.mode}`
    );
  }
  const slow = /^(\d+)-(\d+)$/.exec(values['slow-ms']);
  if (slow === null) throw new Error('--slow-ms must look like 50-1500');
  if (
    values['retry-mode'] !== 'adaptive' &&
    values['retry-mode'] !== 'standard'
  ) {
    throw new Error(
      `--retry-mode must be adaptive or standard, got ${values['retry-mode']}`
    );
  }
  return {
    help: values.help,
    mode: values.mode,
    burst: values.burst,
    rates: values.rate.split(',').map((rate) => numberOption(rate, 'rate')),
    texts: numberOption(values.texts, 'texts'),
    retryMode: values['retry-mode'],
    realRate: numberOption(values['real-rate'], 'real-rate'),
    maxConcurrency:
      values['max-concurrency'] === undefined
        ? undefined
        : numberOption(values['max-concurrency'], 'max-concurrency'),
    customersGiven: process.argv.some((arg) => arg.startsWith('--customers')),
    customers: numberOption(values.customers, 'customers'),
    textsPerCustomer: numberOption(
      values['texts-per-customer'],
      'texts-per-customer'
    ),
    gapMs: numberOption(values['gap-ms'], 'gap-ms'),
    messages: numberOption(values.messages, 'messages'),
    faultRate: numberOption(values['fault-rate'], 'fault-rate'),
    seed: numberOption(values.seed, 'seed'),
    slowMs: [Number(slow[1]), Number(slow[2])] as const,
    dropAfterMessages: numberOption(
      values['drop-after-messages'],
      'drop-after-messages'
    ),
  };
};

/** What the bridge is held to: nothing lost, nothing doubled. */
const problemsOf = (report: FaultInjectionReport): string[] => {
  const { outcome, logs } = report;
  return [
    outcome.lost > 0 && `${outcome.lost} SMS lost`,
    outcome.duplicatesForwarded > 0 &&
      `${outcome.duplicatesForwarded} duplicates forwarded`,
    outcome.unexpected > 0 &&
      `${outcome.unexpected} SMS ended other than expected: ` +
        JSON.stringify(report.unexpectedOutcomes.slice(0, 5)),
    report.order.inversions > 0 &&
      `${report.order.inversions} inversions within a conversation`,
    outcome.unattributedEvents > 0 &&
      `${outcome.unattributedEvents} events Connect accepted match no SMS`,
    logs.linesWithPersonalData > 0 &&
      `${logs.linesWithPersonalData} log lines hold a phone number or a text`,
  ].filter((problem): problem is string => typeof problem === 'string');
};

const main = async () => {
  const options = readOptions();
  if (options.help) {
    print(USAGE);
    return;
  }
  if (options.burst) {
    await burstMode(options);
    return;
  }
  if (options.mode === 'participant') {
    await participantMode(options);
    return;
  }
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    const assembly = synthesizeBridge(FAULT_INJECTION_CONTEXT, outdir);
    const fn = readInboundFunction(assembly);
    const settings = readQueueSettings(assembly);
    const common = {
      fn,
      settings,
      faultRate: options.faultRate,
      seed: options.seed,
      slowMs: options.slowMs,
    };
    const report = await runFaultInjection({
      ...common,
      messages: options.messages,
    });
    print();
    print(formatReport(report));
    print(
      'Dropped connections are injected BEFORE Connect processes the call: ' +
        'the case a bridge can be held to.'
    );
    const dropAfter =
      options.dropAfterMessages > 0
        ? await runFaultInjection({
            ...common,
            messages: options.dropAfterMessages,
            faultWeights: { ...DEFAULT_WEIGHTS, 'drop-after': 1 },
          })
        : undefined;
    if (dropAfter !== undefined) {
      print();
      print(formatDropAfterReport(dropAfter));
      print(
        'SendChatIntegrationEvent takes no client token: when the connection ' +
          'drops AFTER Connect processed the call, the SDK retries and the ' +
          'chat gets the text twice. Nothing in the bridge can prevent it; ' +
          'these duplicates are not counted against it.'
      );
    }
    print();
    print(
      JSON.stringify(
        {
          command: ['npm run fault-injection', ...process.argv.slice(2)]
            .join(' ')
            .replace(/^npm run fault-injection(?= )/, '$& --'),
          run: report,
          ...(dropAfter === undefined
            ? {}
            : { droppedAfterProcessingRun: dropAfter }),
        },
        null,
        2
      )
    );
    const problems = [
      ...problemsOf(report),
      ...(dropAfter === undefined
        ? []
        : [
            dropAfter.outcome.lost > 0 &&
              `${dropAfter.outcome.lost} SMS lost in the drop-after run`,
            dropAfter.connect.duplicatesExplainedByDropAfter !==
              dropAfter.outcome.duplicated &&
              'a duplicate in the drop-after run has another cause',
          ].filter((p): p is string => typeof p === 'string')),
    ];
    for (const problem of problems)
      process.stderr.write(`FAILED: ${problem}\n`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** What participant mode is held to, on its own run. */
const participantMode = async (options: ReturnType<typeof readOptions>) => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    const assembly = synthesizeBridge(
      PARTICIPANT_FAULT_INJECTION_CONTEXT,
      outdir
    );
    const report = await runParticipantFaultInjection({
      bundles: readParticipantBundles(assembly),
      settings: readQueueSettings(assembly),
      customers: options.customers,
      textsPerCustomer: options.textsPerCustomer,
      gapMs: options.gapMs,
      faultRate: options.faultRate,
      seed: options.seed,
      slowMs: options.slowMs,
    });
    print();
    print(formatParticipantReport(report));
    print();
    print(
      JSON.stringify(
        {
          command: [
            'npm run fault-injection --',
            ...process.argv.slice(2),
          ].join(' '),
          run: report,
        },
        null,
        2
      )
    );
    const oneChatEach =
      Object.keys(report.chatsPerCustomer).length === 1 &&
      report.chatsPerCustomer['1'] === report.customers;
    const problems = [
      !oneChatEach &&
        `chats per customer: ${JSON.stringify(report.chatsPerCustomer)}`,
      report.textsInTwoChats > 0 &&
        `${report.textsInTwoChats} texts in two chats`,
      report.textsTwiceInAChat > 0 &&
        `${report.textsTwiceInAChat} texts twice in one chat`,
      report.lost > 0 && `${report.lost} texts lost`,
      report.inversions > 0 && `${report.inversions} inversions`,
    ].filter((p): p is string => typeof p === 'string');
    for (const problem of problems)
      process.stderr.write(`FAILED: ${problem}\n`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/**
 * The burst runs, one per quota, each on a process clock scaled so that
 * Connect takes --real-rate calls per wall-clock second (docs/capacity.md).
 */
const burstMode = async (options: ReturnType<typeof readOptions>) => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-burst-'));
  try {
    const assembly = synthesizeBridge(FAULT_INJECTION_CONTEXT, outdir);
    const fn = readInboundFunction(assembly);
    const synthesized = readQueueSettings(assembly);
    const settings =
      options.maxConcurrency === undefined
        ? synthesized
        : { ...synthesized, maxConcurrency: options.maxConcurrency };
    const reports: (BurstReport & Scaled)[] = [];
    for (const ratePerSecond of options.rates) {
      const timeScale = Math.max(1, options.realRate / ratePerSecond);
      const restore = scaleTime(timeScale);
      try {
        const report = await runBurst({
          fn,
          settings,
          texts: options.texts,
          customers: options.customersGiven ? options.customers : 2000,
          ratePerSecond,
          seed: options.seed,
          retryMode: options.retryMode as 'adaptive' | 'standard',
        });
        reports.push({ ...report, timeScale });
        process.stderr.write(
          `${formatBurstTable([reports.at(-1) as BurstReport & Scaled])}\n`
        );
      } finally {
        restore();
      }
    }
    print();
    print(
      `Burst: ${options.texts} texts published at once, seed ${options.seed}, ` +
        `${new Date().toISOString()}`
    );
    print(formatBurstTable(reports));
    print();
    print(
      JSON.stringify(
        {
          command: [
            'npm run fault-injection --',
            ...process.argv.slice(2),
          ].join(' '),
          runs: reports,
        },
        null,
        2
      )
    );
    const problems = reports.flatMap((r) =>
      [
        r.lost > 0 && `${r.lost} texts lost at ${r.settings.ratePerSecond}/s`,
        r.deadLettered > 0 &&
          `${r.deadLettered} texts dead-lettered at ${r.settings.ratePerSecond}/s`,
      ].filter((p): p is string => typeof p === 'string')
    );
    for (const problem of problems)
      process.stderr.write(`FAILED: ${problem}\n`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`
  );
  process.exitCode = 2;
});
