import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findNode24 } from './node24';

// `npm run test:node24`: the bundle tests (jest.node24.config.js) on the pinned
// Node 24, with jest's summary and what failed; arguments go on to jest.
const root = path.join(__dirname, '..', '..');
const node24 = findNode24();
if (node24.found) {
  process.stdout.write(`Bundle tests on Node ${node24.version}\n`);
  const jest = require.resolve('jest/bin/jest', { paths: [root] });
  const args = ['--config', 'jest.node24.config.js', '--reporters', 'summary'];
  const run = spawnSync(
    node24.path,
    [jest, ...args, ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' }
  );
  process.exitCode = run.status ?? 1;
} else {
  process.stdout.write(
    `Bundle tests on Node 24: skipped on this machine. ${node24.reason}.\n`
  );
}
