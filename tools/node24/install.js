/**
 * The root's postinstall: installs the pinned Node 24 (this folder's
 * package.json and lockfile) for the project's own tests and bench, with
 * the npm that runs the install. Does nothing where the project is itself
 * installed as someone's dependency: they never run its tests.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

if (__dirname.split(path.sep).includes('node_modules')) process.exit(0);

const npm = process.env.npm_execpath;
const args = ['ci', '--prefix', __dirname, '--no-audit', '--no-fund'];
const result = npm
  ? spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' })
  : spawnSync('npm', args, {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
process.exit(result.status ?? 1);
