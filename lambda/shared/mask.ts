/** Keeps only the last four digits: `+12065550100` becomes `********0100`. */
export const maskPhoneNumber = (number: string): string =>
  number.length <= 4
    ? '****'
    : `${'*'.repeat(number.length - 4)}${number.slice(-4)}`;
