/**
 * End User Messaging's own rule: a message opts out when it *begins* with an
 * opt-out keyword as a whole word, case-insensitively ("Stop." and "stop
 * please" do, "stopped by" and "please stop" do not).
 */
export const buildOptOutMatcher = (
  keywords: readonly string[]
): ((body: string) => boolean) => {
  // A blank keyword would match every message that starts with punctuation.
  const words = keywords.map((k) => k.trim()).filter((k) => k !== '');
  if (words.length === 0) return () => false;
  const alternatives = words.map(escapeRegExp).join('|');
  // A combining mark continues the word: "STOP\u0301" is not "STOP".
  const pattern = new RegExp(
    `^\\s*(?:${alternatives})(?![\\p{L}\\p{M}\\p{N}])`,
    'iu'
  );
  return (body) => pattern.test(body);
};

const escapeRegExp = (text: string): string =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
