/** End User Messaging's limit on `SendTextMessage.MessageBody`. */
export const MAX_SMS_BODY_LENGTH = 1600;

/**
 * Splits a reply into ordered parts of at most `maxLength` UTF-16 units,
 * breaking at the last white space that fits; a word longer than a part is
 * cut, but never inside a surrogate pair. Parts are trimmed, so a blank
 * reply gives no parts.
 */
export const splitMessage = (
  text: string,
  maxLength = MAX_SMS_BODY_LENGTH
): string[] => {
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
