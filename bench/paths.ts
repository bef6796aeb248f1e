import * as path from 'node:path';

/** The project's root, where `npm run bench` runs. */
export const ROOT = path.join(__dirname, '..');
/** Everything a run builds or writes (results, profiles); ignored by git. */
export const OUT = path.join(ROOT, 'bench', 'out');
export const BUILD = path.join(OUT, 'build');
export const PROFILES = path.join(OUT, 'profiles');

/** A path as the report shows it: relative to the project. */
export const fromRoot = (file: string): string =>
  path.relative(ROOT, file).split(path.sep).join('/');

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

export const round = (value: number, digits = 1): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;
