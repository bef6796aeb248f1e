import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import * as sandbox from '../tools/harness/sandbox';
import { type InboundFunction, resolveVariables } from '../tools/harness/synth';

export const ROOT = path.join(__dirname, '..');
export const OUT = path.join(ROOT, 'bench', 'out');
export const BUILD = path.join(OUT, 'build');
export const PROFILES = path.join(OUT, 'profiles');

export const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};

/**
 * NodejsFunction's esbuild options for the functions (lib/function-defaults
 * .ts), from the root as its local bundling runs: a bundle built with them
 * is the asset `cdk synth` writes, byte for byte (functions.ts checks).
 */
export const functionBuild = (entry: string, outdir: string) =>
  ({
    absWorkingDir: ROOT,
    entryPoints: [path.relative(ROOT, entry)],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  }) satisfies BuildOptions;

/**
 * The function's Lambda environment, NODE_OPTIONS included, with fake
 * credentials, `local-<name>` for each CloudFormation reference, and every
 * service without a local endpoint sent to a closed port.
 */
export const lambdaEnvironment = (
  fn: InboundFunction,
  endpoints: sandbox.LocalEndpoints = {}
): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  ...sandbox.definedValues(
    sandbox.sandboxedAws(fn.region, 'SmsConnectBridge-Function')
  ),
  ...sandbox.endpointVariables('http://127.0.0.1:9', endpoints),
  ...resolveVariables(
    fn.variables,
    Object.fromEntries(
      Object.entries(fn.variables)
        .filter(([, value]) => typeof value !== 'string')
        .map(([name]) => [name, `local-${name}`])
    )
  ),
});
