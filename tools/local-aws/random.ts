import { createHash } from 'node:crypto';

/** A seeded generator of numbers in [0, 1) (mulberry32). */
export type Random = () => number;

export const seededRandom = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** A number in [0, 1) fixed by its parts alone, not by call order. */
export const hashedUnit = (...parts: readonly (string | number)[]): number =>
  createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) /
  4_294_967_296;

export const integerBetween = (
  random: Random,
  min: number,
  max: number
): number => min + Math.floor(random() * (max - min + 1));

export const pick = <T>(random: Random, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('nothing to pick from');
  return items[integerBetween(random, 0, items.length - 1)] as T;
};

/** A version-4-shaped UUID from the generator, for reproducible ids. */
export const seededUuid = (random: Random): string => {
  const digits = Array.from({ length: 32 }, () => Math.floor(random() * 16));
  digits[12] = 4;
  digits[16] = ((digits[16] ?? 0) & 0x3) | 0x8;
  const hex = digits.map((digit) => digit.toString(16)).join('');
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
};
