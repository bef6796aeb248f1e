import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where every test worker appends what it writes to stdout and stderr. */
export const CAPTURE_DIR = join(__dirname, '..', '..', '.test-logs');

const INSTALLED = Symbol.for('sms-connect-bridge.log-capture');
const captureFile = (): string =>
  join(CAPTURE_DIR, `worker-${process.pid}.log`);

/**
 * For tests that silence stdout to read it themselves: what they swallow
 * still reaches the suite-wide check.
 */
export const appendToCapture = (text: string | Uint8Array): void => {
  try {
    appendFileSync(captureFile(), text);
  } catch {
    // Another jest run's global setup may have just cleared the folder.
    mkdirSync(CAPTURE_DIR, { recursive: true });
    appendFileSync(captureFile(), text);
  }
};

/**
 * Copies everything this process writes to stdout/stderr into a file, so a
 * later check can read every log line the whole suite emitted. It wraps the
 * streams once per worker; writes still reach the terminal.
 */
export const installLogCapture = (): void => {
  const registry = globalThis as Record<symbol, unknown>;
  if (registry[INSTALLED]) return;
  registry[INSTALLED] = true;
  mkdirSync(CAPTURE_DIR, { recursive: true });
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      appendToCapture(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array)
      );
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
};
