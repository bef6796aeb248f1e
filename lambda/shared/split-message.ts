/**
 * Splits a text into ordered parts of at most `maxLength` UTF-16 code
 * units, breaking at the last white space that fits; a word longer than a
 * part is cut, but never inside a surrogate pair. Parts are trimmed, so a
 * blank text gives no parts. UTF-16 code units are never fewer than code
 * points, so a part fits a limit counted either way.
 */
export const splitMessage = (text: string, maxLength: number): string[] => {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxLength) {
    const cut = cutIndex(rest, maxLength);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
};

const cutIndex = (text: string, maxLength: number): number => {
  for (let index = maxLength; index > 0; index--) {
    if (/\s/.test(text.charAt(index))) return index;
  }
  const code = text.charCodeAt(maxLength - 1);
  const endsInHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return endsInHighSurrogate && maxLength > 1 ? maxLength - 1 : maxLength;
};
