import * as path from 'node:path';

/** The project's root, where `npm run bench` runs. */
export const ROOT = path.join(__dirname, '..');
/** Everything a run builds or records; ignored by git. */
export const OUT = path.join(ROOT, 'bench', 'out');
export const BUILD = path.join(OUT, 'build');
export const PROFILES = path.join(OUT, 'profiles');
/** What a run writes for docs/performance.md and for comparing runs (committed). */
export const RESULTS_JSON = path.join(ROOT, 'bench', 'results.json');
export const RESULTS_TABLE = path.join(ROOT, 'bench', 'README-table.md');

/** A path as the report shows it: relative to the project. */
export const fromRoot = (file: string): string =>
  path.relative(ROOT, file).split(path.sep).join('/');
