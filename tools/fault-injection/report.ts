import type { BurstReport } from './burst-run';
import type { FaultKind } from './connect-faults';
import type { ParticipantFaultInjectionReport } from './participant-run';
import type { FaultInjectionReport } from './run';

const FAULT_LABELS: Readonly<Record<FaultKind, string>> = {
  throttle: 'throttled (429 ThrottlingException)',
  'server-error': 'server error (500 InternalServiceException)',
  'drop-before': 'connection dropped before Connect processed it',
  slow: 'slow answer',
  'drop-after': 'connection dropped after Connect processed it',
};

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Rows of a two-column table: a label (indented by level) and a value. */
type Row = readonly [label: string, value: string | number, level?: number];

const table = (title: string, rows: readonly Row[]): string => {
  const labels = rows.map(
    ([label, , level = 0]) => `${'  '.repeat(level)}${label}`
  );
  const values = rows.map(([, value]) =>
    typeof value === 'number' ? value.toLocaleString('en-US') : value
  );
  const width = Math.max(...labels.map((l) => l.length));
  const valueWidth = Math.max(...values.map((v) => v.length));
  const rule = '-'.repeat(width + valueWidth + 3);
  return [
    title,
    rule,
    ...labels.map(
      (label, i) =>
        `${label.padEnd(width)}   ${(values[i] ?? '').padStart(valueWidth)}`
    ),
    rule,
  ].join('\n');
};

/** The figures of a run with faults the bridge can be held to. */
export const formatReport = (report: FaultInjectionReport): string => {
  const { inputs, outcome, connect, queue, lambda, settings } = report;
  const [slowMin, slowMax] = settings.slowMs;
  const faultRows: Row[] = (Object.keys(FAULT_LABELS) as FaultKind[])
    .filter((kind) => kind !== 'drop-after' || connect.faults[kind] > 0)
    .map((kind) => [
      kind === 'slow'
        ? `${FAULT_LABELS[kind]} (${slowMin}-${slowMax} ms)`
        : FAULT_LABELS[kind],
      connect.faults[kind],
      2,
    ]);
  const reasonRows = (reasons: Readonly<Record<string, number>>): Row[] =>
    Object.entries(reasons)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => [reason, count, 2]);
  return table(
    `Fault injection: ${inputs.total.toLocaleString('en-US')} inbound SMS, ` +
      `faults asked on ${percent(settings.faultRate)} of Connect calls, ` +
      `seed ${settings.seed}`,
    [
      ['Inbound SMS published', inputs.total],
      ['texts', inputs.byKind.text, 1],
      ['opt-outs (STOP and the like)', inputs.byKind['opt-out'], 1],
      ['invalid payloads', inputs.byKind['invalid-payload'], 1],
      ['texts to an unknown number', inputs.byKind['unknown-destination'], 1],
      ['empty texts', inputs.byKind['empty-body'], 1],
      ['published twice by SNS', inputs.publishedTwice, 1],
      ['Delivered exactly once', outcome.deliveredExactlyOnce],
      ['In the dead-letter queue (SMS)', outcome.deadLettered],
      ...reasonRows(outcome.deadLetteredByReason),
      ['Dead-letter messages (copies)', outcome.deadLetterMessages],
      ['Lost', outcome.lost],
      ['Duplicates forwarded', outcome.duplicatesForwarded],
      ['Outcomes other than expected', outcome.unexpected],
      [
        'Inversions (pairs of a conversation texts out of order)',
        report.order.inversions,
      ],
      ['conversations with one', report.order.conversationsWithInversions, 1],
      ['Connect calls (retries included)', connect.calls],
      [
        'faults injected',
        `${connect.faultsInjected.toLocaleString('en-US')} (${percent(connect.faultRate)})`,
        1,
      ],
      ...faultRows,
      ['events accepted', connect.accepted, 1],
      ['Duplicate deliveries to the function', ''],
      ['in the same batch', report.duplicateDeliveries.sameBatch, 1],
      ['in concurrent batches', report.duplicateDeliveries.concurrent, 1],
      ['later', report.duplicateDeliveries.later, 1],
      [
        `Queue (visibility ${settings.visibilityTimeoutSeconds} s, ` +
          `maxReceiveCount ${settings.maxReceiveCount})`,
        '',
      ],
      ['SQS messages', queue.sqsMessages, 1],
      ['receives', queue.receives, 1],
      ['redeliveries after a failure or timeout', queue.redeliveries, 1],
      [
        'failed records brought back early (visibility changed)',
        queue.visibilityChanges,
        1,
      ],
      ['received again while in flight', queue.redeliveredWhileInFlight, 1],
      ['moved by the redrive policy', queue.movedByRedrivePolicy, 1],
      [
        `Invocations (batches of ${settings.batchSize}, ` +
          `${settings.maxConcurrency} at a time)`,
        lambda.invocations,
      ],
      ['with batch item failures', lambda.batchesWithItemFailures, 1],
      ['batch item failures', lambda.itemFailures, 1],
      ['function errors', lambda.errors, 1],
      [
        `past the ${settings.functionTimeoutSeconds} s timeout`,
        lambda.timeouts,
        1,
      ],
      [
        'Log lines (with personal data)',
        `${report.logs.lines} (${report.logs.linesWithPersonalData})`,
      ],
      [
        'Time: simulated / wall clock',
        `${Math.round(report.time.simulatedSeconds)} s / ${Math.round(report.time.wallSeconds)} s`,
      ],
    ]
  );
};

/** The after-processing drops, which no bridge can keep from doubling. */
export const formatDropAfterReport = (report: FaultInjectionReport): string =>
  table(
    `Separate run: connections also dropped AFTER Connect processed the call ` +
      `(${report.inputs.total.toLocaleString('en-US')} SMS)`,
    [
      ['Connect calls', report.connect.calls],
      [
        'faults injected, all kinds',
        `${report.connect.faultsInjected} (${percent(report.connect.faultRate)})`,
        1,
      ],
      ['dropped after processing', report.connect.faults['drop-after'], 2],
      [
        'SMS whose call Connect processed, then lost the answer',
        report.connect.inputsDroppedAfterProcessing,
      ],
      ['Delivered exactly once', report.outcome.deliveredExactlyOnce],
      ['Duplicates forwarded', report.outcome.duplicatesForwarded],
      ['SMS duplicated', report.outcome.duplicated],
      [
        'of them explained by a drop after processing',
        report.connect.duplicatesExplainedByDropAfter,
        1,
      ],
      ['Lost', report.outcome.lost],
    ]
  );

/** The figures of a participant-mode run. */
export const formatParticipantReport = (
  report: ParticipantFaultInjectionReport
): string => {
  const { settings, calls } = report;
  const [slowMin, slowMax] = settings.slowMs;
  return table(
    `Participant mode under faults: ${report.texts} texts from ` +
      `${report.customers} customers, faults asked on ` +
      `${percent(settings.faultRate)} of chat calls, seed ${settings.seed}`,
    [
      ['Texts published', report.texts],
      ['published twice by SNS', report.publishedTwice, 1],
      ['Chats opened', report.chats],
      ...Object.entries(report.chatsPerCustomer)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(
          ([chats, customers]): Row => [
            `customers with ${chats} chat${chats === '1' ? '' : 's'}`,
            customers,
            1,
          ]
        ),
      ['Texts in two chats', report.textsInTwoChats],
      ['Texts twice in one chat', report.textsTwiceInAChat],
      ['Lost', report.lost],
      ['In the dead-letter queue', report.deadLettered],
      [
        'Inversions (pairs of a customer texts out of order)',
        report.inversions,
      ],
      ['customers with one', report.customersWithInversions, 1],
      ['Chat calls (retries included)', calls.total],
      ...Object.entries(calls.byRoute).map(([route, n]): Row => [route, n, 1]),
      [
        'faults injected',
        `${calls.faultsInjected} (${percent(calls.faultRate)})`,
        1,
      ],
      ...(Object.keys(FAULT_LABELS) as FaultKind[]).map(
        (kind): Row => [
          kind === 'slow'
            ? `${FAULT_LABELS[kind].replace('Connect', 'the service')} (${slowMin}-${slowMax} ms)`
            : FAULT_LABELS[kind].replace('Connect', 'the service'),
          calls.faults[kind],
          2,
        ]
      ),
      ['Chats resumed after a half-way failure', report.resumedChats],
      ['Invocations', report.lambda.invocations],
      ['batch item failures', report.lambda.itemFailures, 1],
      [
        'function errors / timeouts',
        `${report.lambda.errors} / ${report.lambda.timeouts}`,
        1,
      ],
      [
        'Time: simulated / wall clock',
        `${Math.round(report.time.simulatedSeconds)} s / ${Math.round(report.time.wallSeconds)} s`,
      ],
    ]
  );
};

const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** A burst run with the time scale it ran at. */
export type ScaledBurstReport = BurstReport & { readonly timeScale: number };

const BURST_COLUMNS: readonly [string, (r: ScaledBurstReport) => string][] = [
  [
    'quota N/s (burst)',
    (r) => `${r.settings.ratePerSecond} (${r.settings.burst})`,
  ],
  ['retry mode', (r) => r.settings.retryMode],
  ['maxConcurrency', (r) => String(r.settings.maxConcurrency)],
  ['texts', (r) => fixed(r.texts)],
  ['drain s', (r) => fixed(r.drain.seconds)],
  ['ideal s', (r) => fixed(r.drain.idealSeconds)],
  ['texts/s', (r) => fixed(r.drain.textsPerSecond, 2)],
  ['share of N', (r) => fixed(r.drain.shareOfQuota, 3)],
  ['dead-lettered', (r) => fixed(r.deadLettered)],
  ['lost', (r) => fixed(r.lost)],
  ['duplicated', (r) => fixed(r.duplicated)],
  ['inversions', (r) => fixed(r.inversions)],
  ['latency p50 s', (r) => fixed(r.latency.p50, 1)],
  ['latency p99 s', (r) => fixed(r.latency.p99, 1)],
  ['calls/text', (r) => fixed(r.connect.callsPerText, 3)],
  ['throttled', (r) => fixed(r.connect.throttled)],
  ['max receives', (r) => fixed(r.queue.maxReceiveCount)],
  ['timeouts', (r) => fixed(r.lambda.timeouts)],
  ['time scale', (r) => `${r.timeScale}x`],
  ['wall s', (r) => fixed(r.time.wallSeconds)],
];

/** One row per burst run, as a Markdown table. */
export const formatBurstTable = (
  reports: readonly ScaledBurstReport[]
): string => {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(BURST_COLUMNS.map(([title]) => title)),
    line(BURST_COLUMNS.map(() => '---')),
    ...reports.map((r) => line(BURST_COLUMNS.map(([, value]) => value(r)))),
  ].join('\n');
};
