import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { ROOT } from './paths';

/**
 * The esbuild options `NodejsFunction` passes for the bridge's functions
 * (`minify`, `sourceMap`, `sourcesContent: false`, `target: 'node24'`,
 * `mainFields: ['module', 'main']`, `bundleAwsSDK: true`, so nothing
 * external; see lib/function-defaults.ts), run from the project root as
 * its local bundling does. A bundle built with these is byte for byte the
 * asset `cdk synth` writes; `functions.ts` checks that.
 */
export const nodejsFunctionOptions = (
  entry: string,
  outdir: string
): BuildOptions => ({
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
});
