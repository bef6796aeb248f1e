import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build } from 'esbuild';
import { nodejsFunctionOptions } from './esbuild-options';
import type { FunctionAsset } from './functions';
import { BUILD, fromRoot, ROOT } from './paths';

export interface BundleSize {
  readonly id: string;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** Whether the metafile build gave the synthesized asset's exact bytes. */
  readonly identical: boolean;
  /** esbuild's own analysis of what fills it, largest inputs first. */
  readonly analysis: string;
  /** The metafile, for https://esbuild.github.io/analyze/. */
  readonly metafile: string;
}

/**
 * The size of a function's bundle as `cdk synth` wrote it, and what fills
 * it: the bundle is built again with the same options plus esbuild's
 * metafile, which `analyzeMetafile` breaks down by input.
 */
export const measureBundle = async (fn: FunctionAsset): Promise<BundleSize> => {
  const code = readFileSync(fn.entry);
  const outdir = path.join(BUILD, 'metafile', fn.id);
  const result = await build({
    ...nodejsFunctionOptions(path.join(ROOT, fn.source), outdir),
    metafile: true,
  });
  const metafile = path.join(outdir, 'metafile.json');
  writeFileSync(metafile, JSON.stringify(result.metafile));
  const analysis = await analyzeMetafile(result.metafile);
  writeFileSync(path.join(outdir, 'analysis.txt'), analysis);
  return {
    id: fn.id,
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    sourceMapBytes: statSync(`${fn.entry}.map`).size,
    identical: readFileSync(path.join(outdir, 'index.js')).equals(code),
    analysis,
    metafile: fromRoot(metafile),
  };
};
