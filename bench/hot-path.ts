import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  analyzeCpuProfile,
  type CpuBreakdown,
  type CpuProfile,
  type Window,
} from './cpu-profile';
import { FrameResolver } from './frames';
import type { FunctionAsset } from './functions';
import { type AllocationBreakdown, analyzeHeapProfile } from './heap-profile';
import { fromRoot, PROFILES } from './paths';
import { round } from './stats';
import type { LocalAws, Variant } from './throughput';
import { startWorker, type Worker, type WorkerFiles } from './workers';

export interface ProfiledVariant {
  readonly profile: string;
  /** From the worker's own CPU clock over the profiled chunks. */
  readonly cpuUsPerMessage: number;
  readonly cpu: CpuBreakdown;
  readonly allocations: AllocationBreakdown;
}

export interface HotPath {
  readonly texts: number;
  readonly intervalUs: number;
  readonly handler: ProfiledVariant;
  readonly bare: ProfiledVariant;
}

const INTERVAL_US = 250;
const VARIANTS = ['handler', 'bare'] as const;

/**
 * Section 5: both workers again under `node --cpu-prof`, warmed up, then
 * `texts` each in alternating chunks whose samples are analysed (by the
 * chunks' start and end on the profile's clock), then a round each with
 * V8's sampling heap profiler counting every allocation, collected ones
 * included.
 */
export const profileHotPath = async (
  fn: FunctionAsset,
  files: WorkerFiles,
  aws: LocalAws,
  options: {
    readonly texts: number;
    readonly warmupTexts: number;
    readonly chunkTexts: number;
  }
): Promise<HotPath> => {
  const dir = path.join(PROFILES, 'hot-path');
  rmSync(dir, { recursive: true, force: true });
  const env = aws.env(fn);
  const args = [fn.region, String(fn.timeoutSeconds)];
  const start = (variant: Variant) =>
    startWorker({
      file: variant === 'handler' ? files.handler : files.bare,
      args: variant === 'handler' ? [fn.entry, fn.handlerName, ...args] : args,
      env,
      execArgv: [
        '--cpu-prof',
        `--cpu-prof-interval=${INTERVAL_US}`,
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-name=${variant}.cpuprofile`,
      ],
    });
  const workers: Record<Variant, Worker> = {
    handler: await start('handler'),
    bare: await start('bare'),
  };
  const windows: Record<Variant, Window[]> = { handler: [], bare: [] };
  const cpuMs = { handler: 0, bare: 0 };
  const heap = {} as Record<Variant, Awaited<ReturnType<Worker['round']>>>;
  try {
    for (const variant of VARIANTS) {
      await workers[variant].round(options.warmupTexts);
    }
    for (let chunk = 0; chunk < chunkCount(options); chunk++) {
      const order =
        chunk % 2 === 0 ? VARIANTS : ([...VARIANTS].reverse() as Variant[]);
      for (const variant of order) {
        const result = await workers[variant].round(options.chunkTexts);
        windows[variant].push({ startUs: result.startUs, endUs: result.endUs });
        cpuMs[variant] += result.cpuMs;
      }
    }
    for (const variant of VARIANTS) {
      heap[variant] = await workers[variant].round(
        Math.ceil(options.texts / 4),
        { heapProfile: true }
      );
    }
  } finally {
    await workers.handler.close();
    await workers.bare.close();
    aws.take();
  }
  const texts = chunkCount(options) * options.chunkTexts;
  const analyse = (variant: Variant): ProfiledVariant => {
    const file = path.join(dir, `${variant}.cpuprofile`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const resolver = new FrameResolver();
    const sampled = heap[variant].heapProfile;
    if (sampled === undefined) {
      throw new Error('the worker returned no heap profile');
    }
    return {
      profile: fromRoot(file),
      cpuUsPerMessage: round((cpuMs[variant] * 1000) / texts, 1),
      cpu: analyzeCpuProfile(profile, resolver, {
        windows: windows[variant],
        texts,
      }),
      allocations: analyzeHeapProfile(sampled, resolver, heap[variant].texts),
    };
  };
  return {
    texts,
    intervalUs: INTERVAL_US,
    handler: analyse('handler'),
    bare: analyse('bare'),
  };
};

const chunkCount = (options: { texts: number; chunkTexts: number }) =>
  Math.ceil(options.texts / options.chunkTexts);
