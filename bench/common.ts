import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import {
  definedValues,
  endpointVariables,
  type LocalEndpoints,
  sandboxedAws,
} from '../tools/harness/sandbox';
import { type InboundFunction, resolveVariables } from '../tools/harness/synth';

export const ROOT = path.join(__dirname, '..');
/** Everything a run builds or writes; ignored by git. */
export const OUT = path.join(ROOT, 'bench', 'out');
export const BUILD = path.join(OUT, 'build');
export const PROFILES = path.join(OUT, 'profiles');

export const fromRoot = (file: string): string => path.relative(ROOT, file);

export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};

/**
 * The esbuild options NodejsFunction passes for the bridge's functions
 * (lib/function-defaults.ts), run from the root as its local bundling is:
 * with them a bundle is byte for byte the asset `cdk synth` writes.
 */
export const functionBuild = (entry: string, outdir: string) =>
  ({
    absWorkingDir: ROOT,
    entryPoints: [path.relative(ROOT, entry)],
    bundle: true,
    target: 'node24',
    platform: 'node',
    outfile: path.join(outdir, 'index.js'),
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  }) satisfies BuildOptions;

/**
 * The function's Lambda environment (NODE_OPTIONS included) with fake
 * credentials, its CloudFormation references replaced by local values, and
 * every service without a local endpoint sent to a closed port.
 */
export const lambdaEnvironment = (
  fn: InboundFunction,
  endpoints: LocalEndpoints = {},
  local: Readonly<Record<string, string>> = {}
): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  ...definedValues(sandboxedAws(fn.region, 'SmsConnectBridge-Function')),
  ...endpointVariables('http://127.0.0.1:9', endpoints),
  ...resolveVariables(fn.variables, {
    ...Object.fromEntries(
      Object.entries(fn.variables)
        .filter(([, value]) => typeof value !== 'string')
        .map(([name]) => [name, `local-${name}`])
    ),
    ...local,
  }),
});
