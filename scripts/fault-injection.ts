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
import { runBurst } from '../tools/fault-injection/burst-run';
import { DEFAULT_WEIGHTS } from '../tools/fault-injection/connect-faults';
import {
  PARTICIPANT_FAULT_INJECTION_CONTEXT,
  runParticipantFaultInjection,
} from '../tools/fault-injection/participant-run';
import {
  formatBurstTable,
  formatDropAfterReport,
  formatParticipantReport,
  formatReport,
  type ScaledBurstReport,
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

  Integration mode (default): --messages SMS (duplicates not counted), faults
  on --fault-rate of Connect calls, slow answers --slow-ms late (< 6000), and
  a separate run of --drop-after-messages SMS (0 skips it) that also drops
  connections after Connect processed the call (docs/operations.md).
  --mode participant: --customers each send --texts-per-customer texts,
  --gap-ms apart; faults on every chat call (docs/operations.md).
  --burst: --texts from --customers published at once against a Connect
  that takes --rate calls/s per API (token bucket, burst 2.5 x rate), with
  the SDK's --retry-mode, the event source's --max-concurrency, and the
  clock scaled so Connect takes --real-rate calls per wall-clock second
  (docs/capacity.md).`;

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

type Options = ReturnType<typeof readOptions>;
type Problem = string | false;

/** Synthesizes the app with `context` into a directory removed afterwards. */
const withAssembly = async (
  context: Record<string, string>,
  work: (assembly: string) => Promise<void>
) => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
  try {
    await work(synthesizeBridge(context, outdir));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** Prints the runs as JSON, then each problem; any fails the command. */
const finish = (runs: Record<string, unknown>, problems: Problem[]) => {
  print();
  print(
    JSON.stringify(
      {
        command: ['npm run fault-injection --', ...process.argv.slice(2)].join(
          ' '
        ),
        ...runs,
      },
      null,
      2
    )
  );
  const failed = problems.filter((p): p is string => typeof p === 'string');
  for (const problem of failed) process.stderr.write(`FAILED: ${problem}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
};

/** What the bridge is held to: nothing lost, nothing doubled. */
const problemsOf = ({ outcome, logs, ...report }: FaultInjectionReport) => [
  outcome.lost > 0 && `${outcome.lost} SMS lost`,
  outcome.duplicatesForwarded > 0 &&
    `${outcome.duplicatesForwarded} duplicates forwarded`,
  outcome.unexpected > 0 &&
    `${outcome.unexpected} SMS ended other than expected: ${JSON.stringify(report.unexpectedOutcomes.slice(0, 5))}`,
  report.order.inversions > 0 &&
    `${report.order.inversions} inversions within a conversation`,
  outcome.unattributedEvents > 0 &&
    `${outcome.unattributedEvents} events Connect accepted match no SMS`,
  logs.linesWithPersonalData > 0 &&
    `${logs.linesWithPersonalData} log lines hold a phone number or a text`,
];

const integrationMode = (options: Options) =>
  withAssembly(FAULT_INJECTION_CONTEXT, async (assembly) => {
    const common = {
      fn: readInboundFunction(assembly),
      settings: readQueueSettings(assembly),
      faultRate: options.faultRate,
      seed: options.seed,
      slowMs: options.slowMs,
    };
    const run = await runFaultInjection({
      ...common,
      messages: options.messages,
    });
    print();
    print(formatReport(run));
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
    finish(
      {
        run,
        ...(dropAfter === undefined
          ? {}
          : { droppedAfterProcessingRun: dropAfter }),
      },
      [
        ...problemsOf(run),
        dropAfter !== undefined &&
          dropAfter.outcome.lost > 0 &&
          `${dropAfter.outcome.lost} SMS lost in the drop-after run`,
        dropAfter !== undefined &&
          dropAfter.connect.duplicatesExplainedByDropAfter !==
            dropAfter.outcome.duplicated &&
          'a duplicate in the drop-after run has another cause',
      ]
    );
  });

/** What participant mode is held to, on its own run. */
const participantMode = (options: Options) =>
  withAssembly(PARTICIPANT_FAULT_INJECTION_CONTEXT, async (assembly) => {
    const run = await runParticipantFaultInjection({
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
    print(formatParticipantReport(run));
    const { chatsPerCustomer } = run;
    finish({ run }, [
      (Object.keys(chatsPerCustomer).length !== 1 ||
        chatsPerCustomer['1'] !== run.customers) &&
        `chats per customer: ${JSON.stringify(chatsPerCustomer)}`,
      run.textsInTwoChats > 0 && `${run.textsInTwoChats} texts in two chats`,
      run.textsTwiceInAChat > 0 &&
        `${run.textsTwiceInAChat} texts twice in one chat`,
      run.lost > 0 && `${run.lost} texts lost`,
      run.inversions > 0 && `${run.inversions} inversions`,
    ]);
  });

/**
 * The burst runs, one per quota, each on a process clock scaled so that
 * Connect takes --real-rate calls per wall-clock second (docs/capacity.md).
 */
const burstMode = (options: Options) =>
  withAssembly(FAULT_INJECTION_CONTEXT, async (assembly) => {
    const fn = readInboundFunction(assembly);
    const synthesized = readQueueSettings(assembly);
    const settings =
      options.maxConcurrency === undefined
        ? synthesized
        : { ...synthesized, maxConcurrency: options.maxConcurrency };
    const runs: ScaledBurstReport[] = [];
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
        runs.push({ ...report, timeScale });
        process.stderr.write(`${formatBurstTable(runs.slice(-1))}\n`);
      } finally {
        restore();
      }
    }
    print();
    print(
      `Burst: ${options.texts} texts published at once, seed ${options.seed}, ` +
        `${new Date().toISOString()}`
    );
    print(formatBurstTable(runs));
    finish(
      { runs },
      runs.flatMap((r) => [
        r.lost > 0 && `${r.lost} texts lost at ${r.settings.ratePerSecond}/s`,
        r.deadLettered > 0 &&
          `${r.deadLettered} texts dead-lettered at ${r.settings.ratePerSecond}/s`,
      ])
    );
  });

const main = async () => {
  const options = readOptions();
  if (options.help) print(USAGE);
  else if (options.burst) await burstMode(options);
  else if (options.mode === 'participant') await participantMode(options);
  else await integrationMode(options);
};

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`
  );
  process.exitCode = 2;
});
