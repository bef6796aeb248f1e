import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { findNode24 } from './node24';

/**
 * `npm run test:node24` (and part of `npm test`): jest with
 * jest.node24.config.js on the pinned Node 24, so the bundle tests load the
 * bundles on the runtime's Node too. Prints jest's summary; the whole
 * output only when the run fails. Arguments go on to jest.
 */
const ROOT = path.join(__dirname, '..', '..');
const SUMMARY = /^(PASS|FAIL) |^(Test Suites|Tests|Snapshots|Time):/;

const located = (): ReturnType<typeof findNode24> => {
  try {
    return findNode24();
  } catch (error) {
    process.stderr.write(
      `Bundle tests on Node 24: ${error instanceof Error ? error.message : String(error)}\n`
    );
    process.exit(1);
  }
};

const node24 = located();
if (!node24.found) {
  process.stdout.write(
    `Bundle tests on Node 24: skipped on this machine. ${node24.reason}.\n`
  );
  process.exit(0);
}

process.stdout.write(
  `Bundle tests on Node ${node24.version} (${path.relative(ROOT, node24.path)})\n`
);
const output: Buffer[] = [];
const child = spawn(
  node24.path,
  [
    require.resolve('jest/bin/jest', { paths: [ROOT] }),
    '--config',
    path.join(ROOT, 'jest.node24.config.js'),
    ...process.argv.slice(2),
  ],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
);
child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
child.on('close', (code, signal) => {
  const text = Buffer.concat(output).toString('utf8');
  if (code === 0) {
    const summary = text.split('\n').filter((line) => SUMMARY.test(line));
    process.stdout.write(`${summary.join('\n')}\n`);
    return;
  }
  process.stdout.write(text);
  process.stdout.write(
    `\nBundle tests on Node ${node24.version} failed (${signal ?? `exit ${code}`})\n`
  );
  process.exitCode = 1;
});
