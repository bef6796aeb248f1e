import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Node 24, the functions' Lambda runtime (nodejs24.x), as npm publishes it:
 * one package per platform, pinned in this folder's package.json and
 * installed here by install.js, not as the root's dependencies: each
 * declares a `node` bin that every npm script would then run on.
 */
export const platformPackage = (
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch
): string => `node-${platform}-${arch}`;

/**
 * The pinned Node 24 for this platform. Where npm publishes none (macOS
 * arm64) the answer says why and callers skip; where one is pinned it must
 * be installed at that version, or this throws rather than skip.
 */
export const findNode24 = ({
  dir = __dirname,
  platform = process.platform,
  arch = process.arch,
} = {}) => {
  const manifest = JSON.parse(
    readFileSync(path.join(dir, 'package.json'), 'utf8')
  );
  const pinned: Record<string, string> = manifest.optionalDependencies;
  const name = platformPackage(platform, arch);
  const version = pinned[name];
  if (version === undefined) {
    const platforms = Object.keys(pinned).map((pkg) =>
      pkg.replace('node-', '')
    );
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
