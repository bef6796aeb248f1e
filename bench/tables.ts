import type { StepCalls } from './api-calls';
import type { BundleSize } from './bundle-size';
import type { ColdStartOnNode } from './cold-start';
import type { Floor } from './throughput';

/** The targets the bridge holds itself to, as ratios to the floor. */
const TARGETS = { perMessage: 1.1, coldStart: 1.15 };

export interface Results {
  readonly generatedAt: string;
  readonly commit: string;
  readonly machine: string;
  readonly durationSeconds: number;
  readonly settings: { readonly texts: number; readonly repeats: number };
  readonly floor: Floor;
  readonly coldStart: readonly (
    | ColdStartOnNode
    | { node: string; skipped: string }
  )[];
  readonly bundles: readonly BundleSize[];
  readonly apiCalls: readonly StepCalls[];
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
const kib = (bytes: number) => `${n(bytes / 1024, 1)} KiB`;
const ratio = (value: number) => `${n(value, 2)}×`;
const met = (value: number, target: number) =>
  `≤ ${ratio(target)}: ${value <= target ? 'met' : '**not met**'}`;
const table = (header: readonly string[], rows: readonly string[][]) =>
  [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');

/** What `npm run bench` prints: every figure of one run, as Markdown. */
export const renderTables = (r: Results): string => {
  const { floor } = r;
  const measured = r.coldStart.filter(
    (c): c is ColdStartOnNode => !('skipped' in c)
  );
  const skipped = r.coldStart.filter((c) => 'skipped' in c);
  const sections = [
    `\`npm run bench\` on ${r.generatedAt.slice(0, 10)}, commit \`${r.commit}\`, ${r.machine}, ${r.durationSeconds} s. Medians.`,
    table(
      ['Measure', 'Bridge', 'Floor', 'Ratio', 'Target'],
      [
        [
          `Time per inbound SMS (${r.settings.repeats} × ${n(r.settings.texts)} texts in SQS batches of 10; floor: the same 4 SDK calls in a bare loop)`,
          `${n(floor.handler.usPerMessage)} µs`,
          `${n(floor.bare.usPerMessage)} µs`,
          ratio(floor.ratio),
          met(floor.ratio, TARGETS.perMessage),
        ],
        [
          'CPU per inbound SMS in the function process (same rounds)',
          `${n(floor.handler.cpuUsPerMessage)} µs`,
          `${n(floor.bare.cpuUsPerMessage)} µs`,
          ratio(floor.cpuRatio),
          '',
        ],
        ...measured.map((c) => {
          const [handler, client] = c.loads;
          return [
            `Cold start on Node ${c.node}: \`require\` in a fresh process (floor: @aws-sdk/client-connect bundled alone)`,
            `${n(handler?.loadMs ?? 0, 1)} ms`,
            `${n(client?.loadMs ?? 0, 1)} ms`,
            ratio(c.ratio),
            met(c.ratio, TARGETS.coldStart),
          ];
        }),
      ]
    ),
    `Repeats' ratios: ${floor.ratios.map((x) => n(x, 2)).join(', ')}. ` +
      (floor.differences.length === 0
        ? "The floor's requests match the handler's on the wire."
        : `**The floor's requests differ from the handler's:** ${floor.differences.join('; ')}`),
    ...skipped.map(
      (c) => `Not measured on ${c.node}: ${'skipped' in c ? c.skipped : ''}.`
    ),
    '#### Cold start',
    table(
      ['Node', 'Module', 'Bundle', 'require (ms)', 'min–max', 'Peak RSS (MB)'],
      measured.flatMap((c) =>
        c.loads.map((l) => [
          c.node,
          l.name,
          l.bytes === 0 ? '' : kib(l.bytes),
          n(l.loadMs, 1),
          `${n(l.minMs)}–${n(l.maxMs)}`,
          n(l.peakRssMb, 1),
        ])
      )
    ),
    '#### Bundles (minified, as `cdk synth` wrote them; composition by esbuild `analyzeMetafile`)',
    table(
      ['Function', 'index.js', 'gzip', 'Source map', 'Largest inputs'],
      r.bundles.map((b) => [
        b.id,
        kib(b.minifiedBytes),
        kib(b.gzipBytes),
        kib(b.sourceMapBytes),
        largestInputs(b.analysis),
      ])
    ),
    '#### API calls per inbound SMS (counted at the local endpoints)',
    table(
      ['Mode', 'Text', 'Calls', 'Total'],
      r.apiCalls.map((s) => [
        s.mode,
        s.step,
        Object.entries(s.calls)
          .map(([name, count]) => `${name} ×${count}`)
          .join(', '),
        String(s.total),
      ])
    ),
    'dynalite does not return the old item when a conditional put fails, so a redelivered text costs a GetItem here that DynamoDB spares.',
    '#### Profiles (open in Chrome DevTools or https://www.speedscope.app)',
    [
      `- Hot path, one round each: \`${floor.handler.profile}.cpuprofile\` / \`.heapprofile\`, floor \`${floor.bare.profile}.*\``,
      ...measured.map(
        (c) => `- Cold start on Node ${c.node}: \`${c.profile}/\``
      ),
      `- Bundle composition: \`${r.bundles[0]?.metafile ?? ''}\` and beside it \`analysis.txt\` (https://esbuild.github.io/analyze/)`,
    ].join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
};

/** The top three inputs of esbuild's analysis, as `file 12.3kb 4.5%`. */
const largestInputs = (analysis: string): string =>
  analysis
    .split('\n')
    .filter((line) => /^\s+├|^\s+└/.test(line))
    .slice(0, 3)
    .map((line) => line.replace(/^\s+[├└]\s+/, '').replace(/\s+/g, ' '))
    .map((line) => line.replace(/^.*node_modules\//, ''))
    .join('; ');
