import type { BurstReport } from './burst-run';

const fixed = (value: number, digits: number) =>
  value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

const COLUMNS: readonly [string, (r: BurstReport & Scaled) => string][] = [
  [
    'quota N/s (burst)',
    (r) => `${r.settings.ratePerSecond} (${r.settings.burst})`,
  ],
  ['retry mode', (r) => r.settings.retryMode],
  ['maxConcurrency', (r) => String(r.settings.maxConcurrency)],
  ['texts', (r) => fixed(r.texts, 0)],
  ['drain s', (r) => fixed(r.drain.seconds, 0)],
  ['ideal s', (r) => fixed(r.drain.idealSeconds, 0)],
  ['texts/s', (r) => fixed(r.drain.textsPerSecond, 2)],
  ['share of N', (r) => fixed(r.drain.shareOfQuota, 3)],
  ['dead-lettered', (r) => fixed(r.deadLettered, 0)],
  ['lost', (r) => fixed(r.lost, 0)],
  ['duplicated', (r) => fixed(r.duplicated, 0)],
  ['inversions', (r) => fixed(r.inversions, 0)],
  ['latency p50 s', (r) => fixed(r.latency.p50, 1)],
  ['latency p99 s', (r) => fixed(r.latency.p99, 1)],
  ['calls/text', (r) => fixed(r.connect.callsPerText, 3)],
  ['throttled', (r) => fixed(r.connect.throttled, 0)],
  ['max receives', (r) => fixed(r.queue.maxReceiveCount, 0)],
  ['timeouts', (r) => fixed(r.lambda.timeouts, 0)],
  ['time scale', (r) => `${r.timeScale}x`],
  ['wall s', (r) => fixed(r.time.wallSeconds, 0)],
];

/** A burst run with the time scale it ran at. */
export interface Scaled {
  readonly timeScale: number;
}

/** One row per run, as a Markdown table. */
export const formatBurstTable = (
  reports: readonly (BurstReport & Scaled)[]
): string => {
  const rows = [
    COLUMNS.map(([title]) => title),
    ...reports.map((report) => COLUMNS.map(([, value]) => value(report))),
  ];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(rows[0] as string[]),
    line(COLUMNS.map(() => '---')),
    ...rows.slice(1).map(line),
  ].join('\n');
};
