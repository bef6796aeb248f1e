import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findNode24 } from './node24';

/**
 * `npm run test:node24`: jest with jest.node24.config.js on the pinned Node
 * 24, the bundles' runtime. Prints the summary, and the details of what
 * failed. Arguments go on to jest.
 */
const ROOT = path.join(__dirname, '..', '..');
const node24 = findNode24();
if (node24.found) {
  process.stdout.write(`Bundle tests on Node ${node24.version}\n`);
  const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
  const config = path.join(ROOT, 'jest.node24.config.js');
  const { status } = spawnSync(
    node24.path,
    [
      jest,
      '--config',
      config,
      '--reporters',
      'summary',
      ...process.argv.slice(2),
    ],
    { cwd: ROOT, stdio: 'inherit' }
  );
  process.exitCode = status ?? 1;
} else {
  process.stdout.write(
    `Bundle tests on Node 24: skipped on this machine. ${node24.reason}.\n`
  );
}
