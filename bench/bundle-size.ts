import { mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { nodejsFunctionOptions } from './esbuild-options';
import type { FunctionAsset, FunctionId } from './functions';
import { BUILD, fromRoot, ROOT } from './paths';

export interface SizeShare {
  readonly name: string;
  readonly bytes: number;
  /** Of the minified output. */
  readonly percent: number;
}

export interface BundleSize {
  readonly id: FunctionId;
  readonly origin: 'synth' | 'esbuild';
  readonly bundle: string;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** Whether the metafile build gave the asset's exact bytes. */
  readonly metafileBuildIdentical: boolean;
  /** By family: the bridge's code, the AWS SDK, Smithy, Powertools, zod... */
  readonly families: readonly SizeShare[];
  readonly topPackages: readonly SizeShare[];
  readonly topFiles: readonly SizeShare[];
}

/**
 * The size of each function's bundle and what fills it: the bundle is
 * built again with the same options plus esbuild's metafile, which says
 * how many output bytes each input became.
 */
export const measureBundle = async (fn: FunctionAsset): Promise<BundleSize> => {
  const code = readFileSync(fn.entry);
  const outdir = path.join(BUILD, 'metafile', fn.id);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    ...nodejsFunctionOptions(path.join(ROOT, fn.source), outdir),
    metafile: true,
  });
  const rebuilt = readFileSync(path.join(outdir, 'index.js'));
  const inputs = outputInputs(result.metafile);
  const total = code.length;
  const share = (entries: Map<string, number>, top: number): SizeShare[] =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({
        name,
        bytes,
        percent: (bytes / total) * 100,
      }));
  return {
    id: fn.id,
    origin: fn.origin,
    bundle: fromRoot(fn.entry),
    minifiedBytes: total,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    sourceMapBytes: statSync(`${fn.entry}.map`).size,
    metafileBuildIdentical: rebuilt.equals(code),
    families: share(groupBy(inputs, familyOf), 12),
    topPackages: share(groupBy(inputs, packageOf), 10),
    topFiles: share(
      groupBy(inputs, (file) => file),
      10
    ),
  };
};

const outputInputs = (metafile: Metafile): Map<string, number> => {
  const output = Object.entries(metafile.outputs).find(([file]) =>
    file.endsWith('index.js')
  )?.[1];
  if (output === undefined) throw new Error('no index.js in the metafile');
  return new Map(
    Object.entries(output.inputs).map(([file, { bytesInOutput }]) => [
      file,
      bytesInOutput,
    ])
  );
};

const groupBy = (
  inputs: Map<string, number>,
  key: (file: string) => string
): Map<string, number> => {
  const groups = new Map<string, number>();
  for (const [file, bytes] of inputs) {
    const name = key(file);
    groups.set(name, (groups.get(name) ?? 0) + bytes);
  }
  return groups;
};

/** `@scope/name` or `name` of the innermost `node_modules`, else the folder. */
export const packageOf = (file: string): string => {
  const normalized = file.split(path.sep).join('/');
  const at = normalized.lastIndexOf('node_modules/');
  if (at === -1) {
    return normalized.startsWith('lambda/')
      ? normalized.split('/').slice(0, 2).join('/')
      : normalized;
  }
  const parts = normalized.slice(at + 'node_modules/'.length).split('/');
  return (parts[0] ?? '').startsWith('@')
    ? `${parts[0]}/${parts[1]}`
    : (parts[0] ?? normalized);
};

/** Families of packages, as the report groups them. */
export const familyOf = (file: string): string => {
  const name = packageOf(file);
  if (name.startsWith('lambda/')) return 'bridge (lambda/)';
  if (name.startsWith('@aws-sdk/client-')) return name;
  if (name.startsWith('@aws-sdk/')) return '@aws-sdk/* (core)';
  if (name.startsWith('@smithy/')) return '@smithy/*';
  if (name.startsWith('@aws-crypto/')) return '@aws-crypto/*';
  if (name.startsWith('@aws-lambda-powertools/')) return name;
  if (name === 'zod') return 'zod';
  if (name.startsWith('<runtime>') || name.startsWith('<define')) return name;
  return 'other';
};
