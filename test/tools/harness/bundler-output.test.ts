import childProcess from 'node:child_process';
import { withBundlerOutputOnStreams } from '../../../tools/harness/bundler-output';

/** A command that writes a word to each of its streams, as esbuild does. */
const WRITES_BOTH = [
  '-e',
  "process.stdout.write('word-on-stdout'); process.stderr.write('word-on-stderr')",
];

const writtenToStderr = (work: () => void): string => {
  const written: string[] = [];
  const spy = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      written.push(Buffer.from(chunk).toString('utf8'));
      return true;
    });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written.join('');
};

describe('withBundlerOutputOnStreams', () => {
  it("writes the output a command passes on to this process's stderr through process.stderr", () => {
    // Act: the stdio CDK's local bundling spawns esbuild with
    const written = writtenToStderr(() =>
      withBundlerOutputOnStreams(() =>
        childProcess.spawnSync(process.execPath, WRITES_BOTH, {
          stdio: ['ignore', process.stderr, 'inherit'],
        })
      )
    );

    // Assess
    expect(written).toContain('word-on-stdout');
    expect(written).toContain('word-on-stderr');
  });

  it('leaves piped output to the caller', () => {
    // Act
    let stdout = '';
    const written = writtenToStderr(() => {
      stdout = withBundlerOutputOnStreams(() =>
        childProcess.spawnSync(process.execPath, WRITES_BOTH, {
          encoding: 'utf8',
        })
      ).stdout;
    });

    // Assess
    expect(stdout).toBe('word-on-stdout');
    expect(written).toBe('');
  });

  it('puts spawnSync back when the work throws', () => {
    // Prepare
    const spawnSync = childProcess.spawnSync;

    // Act
    const run = () =>
      withBundlerOutputOnStreams(() => {
        throw new Error('synth failed');
      });

    // Assess
    expect(run).toThrow('synth failed');
    expect(childProcess.spawnSync).toBe(spawnSync);
  });
});
