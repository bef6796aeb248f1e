import { format } from 'node:util';
import { appendToCapture } from '../log-privacy/capture';

/**
 * Powertools Logger and Metrics write to their own `Console` over
 * `process.stdout`, so the streams are captured as well as `console`
 * (which libraries such as the idempotency utility use for warnings).
 */
export interface CapturedOutput {
  /** Everything written so far, stdout and stderr together. */
  readonly text: () => string;
  /** Each line that parses as a JSON object. */
  readonly jsonLines: () => Record<string, unknown>[];
  readonly restore: () => void;
}

export const captureOutput = (): CapturedOutput => {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    const text =
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk as Uint8Array).toString();
    chunks.push(text);
    appendToCapture(text);
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  const consoles = (['debug', 'info', 'log', 'warn', 'error'] as const).map(
    (method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        record(`${format(...args)}\n`);
      })
  );
  const text = () => chunks.join('');
  return {
    text,
    jsonLines: () =>
      text()
        .split('\n')
        .flatMap((line) => {
          try {
            const value: unknown = JSON.parse(line);
            return typeof value === 'object' && value !== null
              ? [value as Record<string, unknown>]
              : [];
          } catch {
            return [];
          }
        }),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
      for (const spy of consoles) spy.mockRestore();
    },
  };
};

interface EmfMetadata {
  readonly CloudWatchMetrics: readonly {
    readonly Namespace: string;
    readonly Metrics: readonly { readonly Name: string }[];
  }[];
}

/** The embedded-metric-format documents among the captured lines. */
export const emfDocuments = (
  lines: readonly Record<string, unknown>[]
): Record<string, unknown>[] => lines.filter((line) => '_aws' in line);

/** Sums each metric over the EMF documents (a repeated metric is a list). */
export const metricTotals = (
  documents: readonly Record<string, unknown>[]
): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const document of documents) {
    const metadata = document._aws as EmfMetadata;
    for (const directive of metadata.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const value = document[Name];
        const values = Array.isArray(value) ? value : [value];
        totals[Name] =
          (totals[Name] ?? 0) +
          values.reduce((sum: number, v) => sum + Number(v), 0);
      }
    }
  }
  return totals;
};
