// The root's postinstall: this folder's pinned Node 24, with the npm that runs
// it, unless the project is someone's dependency (they never run its tests).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

if (__dirname.split(path.sep).includes('node_modules')) process.exit(0);
const args = ['ci', '--prefix', __dirname, '--no-audit', '--no-fund'];
const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' })
  : spawnSync('npm', args, {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
process.exit(result.status ?? 1);
