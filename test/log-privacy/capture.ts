import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where every test worker appends what it writes to stdout and stderr. */
export const CAPTURE_DIR = join(__dirname, '..', '..', '.test-logs');

const captureFile = (): string =>
  join(CAPTURE_DIR, `worker-${process.pid}.log`);

/**
 * Appends to this worker's file. The test environment (test/environment.ts)
 * sends every write here; tests that silence stdout to read it themselves
 * send what they swallow, so it still reaches the suite-wide check.
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
