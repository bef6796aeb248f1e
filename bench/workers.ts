import { fork } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { build } from 'esbuild';
import { nodejsFunctionOptions } from './esbuild-options';
import { BUILD, ROOT } from './paths';
import type {
  RoundResult,
  WorkerMessage,
  WorkerRequest,
} from './worker-protocol';

export interface WorkerFiles {
  /** Loads a function's bundle and runs it. */
  readonly handler: string;
  /** The bare loop, bundled as the functions are. */
  readonly bare: string;
}

/**
 * Bundles the workers to plain JavaScript, so no ts-node hook runs in the
 * measured process. The bare loop gets the functions' own esbuild options,
 * so its SDK code is the same minified code the handler's bundle runs.
 */
export const buildWorkers = async (): Promise<WorkerFiles> => {
  const handler = path.join(BUILD, 'worker-handler.js');
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['bench/worker-handler.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: handler,
    logLevel: 'warning',
  });
  const bareDir = path.join(BUILD, 'worker-bare');
  await build(
    nodejsFunctionOptions(path.join(ROOT, 'bench', 'worker-bare.ts'), bareDir)
  );
  return { handler, bare: path.join(bareDir, 'index.js') };
};

export interface Worker {
  round(texts: number, profile?: string): Promise<RoundResult>;
  close(): Promise<void>;
}

/**
 * Forks a worker with only the given environment (plus PATH), its stdout
 * discarded as Lambda's log capture would take it, stderr kept to explain
 * a failure.
 */
export const startWorker = async (
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>
): Promise<Worker> => {
  const child = fork(file, [...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = once(child, 'exit');
  const next = async (): Promise<WorkerMessage> => {
    const message = await Promise.race([
      once(child, 'message').then(([message]) => message as WorkerMessage),
      exited.then(
        ([code]) => ({ type: 'error', message: `exit ${code}` }) as const
      ),
    ]);
    if (message.type === 'error') {
      throw new Error(`worker failed: ${message.message}\n${stderr}`);
    }
    return message;
  };
  await next();
  return {
    round: async (texts, profile) => {
      child.send({ type: 'round', texts, profile } satisfies WorkerRequest);
      return (await next()) as RoundResult;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      child.send({ type: 'exit' } satisfies WorkerRequest);
      await exited;
    },
  };
};
