import { rmSync } from 'node:fs';
import { CAPTURE_DIR } from './capture';

/** Starts each full run with no captured logs from an earlier one. */
export default (): void => {
  rmSync(CAPTURE_DIR, { recursive: true, force: true });
};
