import type { KeywordMatch } from '../shared/settings';

/**
 * What may surround a keyword in a whole message: whitespace, punctuation,
 * symbols and format characters (an emoji's joiner), each with the marks
 * it carries (an emoji's variation selector). Letters, digits and marks on
 * their own are words.
 */
const FILLER = String.raw`(?:[\s\p{P}\p{S}\p{Cf}]\p{M}*)`;
/** A combining mark continues the word: "STOP\u0301" is not "STOP". */
const WORD_ENDS = String.raw`(?![\p{L}\p{M}\p{N}])`;

export const buildKeywordMatcher = (
  keywords: readonly string[],
  match: KeywordMatch
): ((body: string) => boolean) => {
  // A blank keyword would match every message that starts with punctuation.
  const words = keywords.map((k) => k.trim()).filter((k) => k !== '');
  if (words.length === 0) return () => false;
  const alternatives = `(?:${words.map(escapeRegExp).join('|')})${WORD_ENDS}`;
  const pattern = new RegExp(
    match === 'whole-message'
      ? `^${FILLER}*${alternatives}${FILLER}*$`
      : `^\\s*${alternatives}`,
    'iu'
  );
  return (body) => pattern.test(body);
};

const escapeRegExp = (text: string): string =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
