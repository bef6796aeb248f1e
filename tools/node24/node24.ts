import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Node 24, the functions' Lambda runtime (nodejs24.x), as npm publishes it:
 * one package per platform, pinned in this folder's package.json. They are
 * installed here (install.js, the root's postinstall), not as the root's
 * dependencies: each declares a `node` bin that every npm script would run on.
 */
export type Node24 =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly reason: string };

export const platformPackage = (
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch
): string => `node-${platform}-${arch}`;

/**
 * The pinned Node 24 for this platform. Where npm publishes none (macOS
 * arm64) the answer says why, and callers skip; where one is pinned, it must
 * be installed at that version, or this throws rather than skip.
 */
export const findNode24 = ({
  dir = __dirname,
  platform = process.platform,
  arch = process.arch,
}: {
  dir?: string;
  platform?: NodeJS.Platform;
  arch?: string;
} = {}): Node24 => {
  const pinned: Record<string, string> =
    JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
      .optionalDependencies ?? {};
  const name = platformPackage(platform, arch);
  const version = pinned[name];
  if (version === undefined) {
    const platforms = Object.keys(pinned).map((pkg) =>
      pkg.replace(/^node-/, '')
    );
    return {
      found: false,
      reason: `tools/node24/package.json pins Node 24 for ${platforms.join(', ')} only: npm publishes no ${name} at that version`,
    };
  }
  const binary = path.join(
    dir,
    'node_modules',
    name,
    'bin',
    platform === 'win32' ? 'node.exe' : 'node'
  );
  if (!existsSync(binary)) {
    throw new Error(
      `Node 24 (${name}@${version}) is not installed at ${binary}: run \`npm ci --prefix tools/node24\` (the root's postinstall does)`
    );
  }
  const reported = execFileSync(binary, ['--version'], {
    encoding: 'utf8',
  }).trim();
  if (reported !== `v${version}`) {
    throw new Error(
      `${binary} is ${reported}, not the pinned ${version}: run \`npm ci --prefix tools/node24\``
    );
  }
  return { found: true, path: binary, version: reported };
};
