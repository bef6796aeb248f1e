import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// The functions' runtime (nodejs24.x), pinned per platform in this folder's
// package.json: in the root's, its `node` bin would run every npm script.
// Where none is pinned callers skip; a pinned one must be installed.
export const findNode24 = ({
  dir = __dirname,
  platform = process.platform,
  arch = process.arch,
} = {}) => {
  const pinned: Record<string, string> = JSON.parse(
    readFileSync(path.join(dir, 'package.json'), 'utf8')
  ).optionalDependencies;
  const name = `node-${platform}-${arch}`;
  const version = pinned[name];
  if (version === undefined) {
    const platforms = Object.keys(pinned).map((pkg) => pkg.slice(5));
    const reason = `tools/node24/package.json pins Node 24 for ${platforms.join(', ')} only: npm publishes no ${name} at that version`;
    return { found: false, reason } as const;
  }
  const binary = path.join(dir, 'node_modules', name, 'bin', 'node');
  const reported = existsSync(binary)
    ? execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
    : 'missing';
  if (reported !== `v${version}`) {
    throw new Error(
      `Node 24 (${name}@${version}) is not installed at ${binary} (${reported}): run \`npm ci --prefix tools/node24\``
    );
  }
  return { found: true, path: binary, version: reported } as const;
};
