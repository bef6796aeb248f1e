import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** Runs jest on the fixture with the test environment; returns its output. */
const runFixture = (variables: Record<string, string> = {}): string => {
  const config = {
    rootDir: ROOT,
    roots: ['<rootDir>/test/support/fixtures/quiet'],
    testMatch: ['**/output.fixture.ts'],
    testEnvironment: '<rootDir>/test/environment.ts',
    transform: { '^.+\\.ts$': 'ts-jest' },
  };
  const { stdout, stderr } = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest', { paths: [ROOT] }),
      '--config',
      JSON.stringify(config),
      '--runInBand',
      '--ci',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TEST_OUTPUT: '', ...variables },
    }
  );
  return stdout + stderr;
};

describe('the test environment', () => {
  let output: string;

  beforeAll(() => {
    output = runFixture();
  });

  it("prints a failing test's output, headed by its name", () => {
    // Assess
    expect(output).toMatch(
      /Output of fails \(test\/support\/fixtures\/quiet\/output\.fixture\.ts\) ──\n(.*\n)*word-of-the-failing-test\n/
    );
  });

  it('prints what the file wrote outside its tests with the first failure', () => {
    // Assess
    expect(output).toMatch(/word-of-the-file\n(.*\n)*word-of-the-failing-test/);
  });

  it("holds a passing test's output back", () => {
    // Assess
    expect(output).toContain('Tests:       1 failed, 1 passed, 2 total');
    expect(output).not.toContain('word-of-the-passing-test');
  });

  it("prints every test's output with TEST_OUTPUT=show", () => {
    // Act
    const shown = runFixture({ TEST_OUTPUT: 'show' });

    // Assess
    expect(shown).toContain('word-of-the-passing-test');
  });
});
