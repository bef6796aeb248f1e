import { nodeProcess } from './sandbox';

export interface CapturedLine {
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface LogCaptureOptions {
  /** Also write to the stream, for whatever wraps it. @default true */
  readonly forward?: boolean;
  readonly onLine?: (line: CapturedLine) => void;
}

/** Captures what a bundle prints, line by line, while `during` runs (calls may overlap). */
export const captureLogs = ({
  forward = true,
  onLine,
}: LogCaptureOptions = {}) => {
  const lines: CapturedLine[] = [];
  const partial = { stdout: '', stderr: '' };
  let restore: (() => void)[] = [];
  const record = (stream: CapturedLine['stream'], text: string) => {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) {
      lines.push({ stream, line });
      onLine?.({ stream, line });
    }
  };
  const streams = ['stdout', 'stderr'] as const;
  const patch = () =>
    streams.map((name) => {
      const stream = nodeProcess[name];
      const write = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        record(name, Buffer.from(chunk).toString('utf8'));
        if (forward) return Reflect.apply(write, stream, [chunk, ...rest]);
        const callback = rest.find((arg) => typeof arg === 'function');
        if (callback) process.nextTick(callback as () => void);
        return true;
      }) as typeof write;
      return () => {
        stream.write = write;
      };
    });
  let active = 0;
  return {
    lines: lines as readonly CapturedLine[],
    during: async <T>(work: () => Promise<T> | T): Promise<T> => {
      if (active++ === 0) restore = patch();
      try {
        return await work();
      } finally {
        if (--active === 0) {
          for (const undo of restore) undo();
          for (const stream of streams)
            if (partial[stream]) record(stream, '\n');
        }
      }
    },
  };
};
