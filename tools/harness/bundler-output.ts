import childProcess, {
  type SpawnSyncOptions,
  type StdioOptions,
} from 'node:child_process';

type SpawnSync = typeof childProcess.spawnSync;
type Stdio = Exclude<StdioOptions, string>[number];

/** The stream of this process a child's fd 1 or 2 is passed on to, if any. */
const passedOn = (entry: Stdio, fd: 1 | 2): NodeJS.WriteStream | undefined => {
  if (entry === process.stdout) return process.stdout;
  if (entry === process.stderr) return process.stderr;
  if (entry === 'inherit' || entry === fd) {
    return fd === 1 ? process.stdout : process.stderr;
  }
  return undefined;
};

/**
 * Runs `work` (a synth that bundles) with the output of the commands CDK's
 * local bundling spawns (esbuild's report) written through this process's
 * streams rather than straight to its file descriptors, so that a test's
 * capture holds it like any other line. Outside tests it prints the same.
 */
export const withBundlerOutputOnStreams = <T>(work: () => T): T => {
  const shared = childProcess as { spawnSync: SpawnSync };
  const spawnSync = shared.spawnSync;
  const onStreams = (
    command: string,
    args: readonly string[],
    options: SpawnSyncOptions = {}
  ) => {
    const { stdio = 'pipe' } = options;
    const given: Stdio[] =
      typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
    const outputs = ([1, 2] as const).map((fd) => passedOn(given[fd], fd));
    const result = spawnSync(command, args, {
      ...options,
      stdio: given.map((entry, fd) => (outputs[fd - 1] ? 'pipe' : entry)),
    });
    for (const [index, output] of [result.stdout, result.stderr].entries()) {
      if (output?.length) outputs[index]?.write(output);
    }
    return result;
  };
  shared.spawnSync = ((command: string, ...rest: unknown[]) =>
    Array.isArray(rest[0])
      ? onStreams(command, rest[0], rest[1] as SpawnSyncOptions | undefined)
      : Reflect.apply(spawnSync, childProcess, [
          command,
          ...rest,
        ])) as SpawnSync;
  try {
    return work();
  } finally {
    shared.spawnSync = spawnSync;
  }
};
