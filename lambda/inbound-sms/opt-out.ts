/**
 * End User Messaging's own rule: a message opts out when it *begins* with an
 * opt-out keyword as a whole word, case-insensitively ("Stop." and "stop
 * please" do, "stopped by" and "please stop" do not).
 */
export const buildOptOutMatcher = (
  keywords: readonly string[]
): ((body: string) => boolean) => {
  if (keywords.length === 0) return () => false;
  const alternatives = keywords.map(escapeRegExp).join('|');
  const pattern = new RegExp(
    `^\\s*(?:${alternatives})(?![\\p{L}\\p{N}])`,
    'iu'
  );
  return (body) => pattern.test(body);
};

const escapeRegExp = (text: string): string =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
