/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

export const min = (values: readonly number[]): number => Math.min(...values);
export const max = (values: readonly number[]): number => Math.max(...values);

/** Rounds for the report, so the JSON stays readable. */
export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const sum = (values: readonly number[]): number =>
  values.reduce((total, value) => total + value, 0);
