import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The package's root: the nearest folder above this file that holds a
 * package.json. That is one level up in the repository (lib/) and two in
 * the built package (dist/lib/); the functions' sources sit in its
 * lambda/ folder either way, shipped as TypeScript for esbuild to bundle.
 */
const packageRoot = (from: string): string => {
  const parent = path.dirname(from);
  if (existsSync(path.join(from, 'package.json')) || parent === from) {
    return from;
  }
  return packageRoot(parent);
};

const ROOT = packageRoot(path.join(__dirname, '..'));

/** A function's entry file: `lambdaEntry('inbound-sms', 'handler.ts')`. */
export const lambdaEntry = (folder: string, file: string): string =>
  path.join(ROOT, 'lambda', folder, file);
