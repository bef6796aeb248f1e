import { type ChildProcess, fork } from 'node:child_process';
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
 * Bundles the workers to plain JavaScript, so they run on Node without
 * ts-node's hooks in the measured process. The bare loop gets the
 * functions' own esbuild options, so its SDK code is the same minified
 * code the handler's bundle runs.
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
  /** How long requiring the code took inside the worker. */
  readonly loadMs: number;
  round(
    texts: number,
    options?: { heapProfile?: boolean }
  ): Promise<RoundResult>;
  /** Asks the worker to exit normally (so profiles get written). */
  close(): Promise<void>;
}

export interface WorkerOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly execArgv?: readonly string[];
  /** A round that takes longer fails the bench. */
  readonly timeoutMs?: number;
}

/**
 * Forks a worker with only the given environment (plus PATH), its stdout
 * discarded as Lambda's log capture would swallow it, and stderr kept to
 * explain a failure.
 */
export const startWorker = async (options: WorkerOptions): Promise<Worker> => {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const child = fork(options.file, [...options.args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const next = () => nextMessage(child, timeoutMs, () => stderr);
  const ready = await next();
  if (ready.type !== 'ready')
    throw new Error(`worker failed: ${describe(ready)}`);
  return {
    loadMs: ready.loadMs,
    round: async (texts, { heapProfile = false } = {}) => {
      const request: WorkerRequest = { type: 'round', texts, heapProfile };
      child.send(request);
      const result = await next();
      if (result.type !== 'round-done') {
        throw new Error(`worker failed: ${describe(result)}\n${stderr}`);
      }
      return result;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        const request: WorkerRequest = { type: 'exit' };
        child.send(request);
      }),
  };
};

const describe = (message: WorkerMessage): string =>
  message.type === 'error' ? message.message : message.type;

const nextMessage = (
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string
): Promise<WorkerMessage> =>
  new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: WorkerMessage) => {
      done();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`worker exited (${code}): ${stderr()}`));
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(new Error(`worker took over ${timeoutMs} ms: ${stderr()}`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
