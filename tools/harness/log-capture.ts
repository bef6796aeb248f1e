import { nodeProcess } from './node-realm';

export interface CapturedLine {
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface LogCaptureOptions {
  /**
   * Also writes what is captured to the stream, so whatever wraps the
   * stream (a terminal, the suite's log check) still sees it.
   * @default true
   */
  readonly forward?: boolean;
  /** Called with each complete line as it is captured. */
  readonly onLine?: (line: CapturedLine) => void;
}

export interface LogCapture {
  /** Every complete line written while `during` ran. */
  readonly lines: readonly CapturedLine[];
  /** Runs `work` with stdout and stderr captured (calls may overlap). */
  during<T>(work: () => Promise<T> | T): Promise<T>;
}

type Write = typeof process.stdout.write;

/**
 * Captures what a bundle prints on stdout and stderr: Powertools Logger
 * writes INFO and WARN to one and ERROR to the other.
 */
export const captureLogs = (options: LogCaptureOptions = {}): LogCapture => {
  const forward = options.forward ?? true;
  const lines: CapturedLine[] = [];
  const partial = { stdout: '', stderr: '' };
  let active = 0;
  let restore: (() => void) | undefined;

  const record = (stream: CapturedLine['stream'], text: string) => {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) {
      const captured = { stream, line };
      lines.push(captured);
      options.onLine?.(captured);
    }
  };

  const patch = (): (() => void) => {
    const streams = { stdout: nodeProcess.stdout, stderr: nodeProcess.stderr };
    const originals = Object.entries(streams).map(([name, stream]) => {
      const write: Write = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        record(
          name as CapturedLine['stream'],
          typeof chunk === 'string'
            ? chunk
            : Buffer.from(chunk as Uint8Array).toString('utf8')
        );
        if (forward) return Reflect.apply(write, stream, [chunk, ...rest]);
        const callback = rest.find((arg) => typeof arg === 'function');
        if (callback) process.nextTick(callback as () => void);
        return true;
      }) as Write;
      return () => {
        stream.write = write;
      };
    });
    return () => {
      for (const undo of originals) undo();
    };
  };

  return {
    lines,
    during: async (work) => {
      if (active++ === 0) restore = patch();
      try {
        return await work();
      } finally {
        if (--active === 0) {
          restore?.();
          restore = undefined;
          for (const stream of ['stdout', 'stderr'] as const) {
            if (partial[stream] !== '') record(stream, '\n');
          }
        }
      }
    },
  };
};
