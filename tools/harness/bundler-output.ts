import childProcess, { type SpawnSyncOptions } from 'node:child_process';

const passedOn = (entry: unknown, fd: number) =>
  fd > 0 &&
  [process.stdout, process.stderr, 'inherit'].includes(entry as never);

// esbuild's report, which CDK's bundling spawns onto fd 1 or 2, goes through
// process.stderr instead, so a test's capture holds it.
export const withBundlerOutputOnStreams = <T>(work: () => T): T => {
  const shared = childProcess as { spawnSync: typeof childProcess.spawnSync };
  const { spawnSync } = shared;
  shared.spawnSync = ((command: string, ...rest: unknown[]) => {
    const [args, options] = rest as [string[], SpawnSyncOptions | undefined];
    const stdio = options?.stdio;
    if (!Array.isArray(stdio) || !stdio.some(passedOn)) {
      return Reflect.apply(spawnSync, childProcess, [command, ...rest]);
    }
    const piped = stdio.map((entry, fd) =>
      passedOn(entry, fd) ? 'pipe' : entry
    );
    const result = spawnSync(command, args, { ...options, stdio: piped });
    for (const [fd, output] of (result.output ?? []).entries()) {
      if (passedOn(stdio[fd], fd) && output?.length)
        process.stderr.write(output);
    }
    return result;
  }) as typeof spawnSync;
  try {
    return work();
  } finally {
    shared.spawnSync = spawnSync;
  }
};
