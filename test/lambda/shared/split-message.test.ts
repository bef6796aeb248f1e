import fc from 'fast-check';
import { MAX_SMS_BODY_LENGTH } from '../../../lambda/participant/text-message';
import { splitMessage } from '../../../lambda/shared/split-message';

describe('splitMessage', () => {
  it('keeps a text of up to the limit in one part', () => {
    // Prepare
    const text = 'x'.repeat(MAX_SMS_BODY_LENGTH);

    // Act
    const parts = splitMessage(text, MAX_SMS_BODY_LENGTH);

    // Assess
    expect(parts).toEqual([text]);
  });

  it('breaks at the last space that fits', () => {
    // Act
    const parts = splitMessage('one two three four', 9);

    // Assess
    expect(parts).toEqual(['one two', 'three', 'four']);
  });

  it('breaks at a new line as at a space', () => {
    // Act
    const parts = splitMessage('first line\nsecond line', 12);

    // Assess
    expect(parts).toEqual(['first line', 'second line']);
  });

  it('cuts a word longer than a part', () => {
    // Act
    const parts = splitMessage('abcdefghij', 4);

    // Assess
    expect(parts).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('never cuts an emoji in half', () => {
    // Act
    const parts = splitMessage('ab😀cd', 3);

    // Assess
    expect(parts).toEqual(['ab', '😀c', 'd']);
  });

  it('gives no part for a blank text', () => {
    // Act
    const parts = splitMessage(' \n\t ', MAX_SMS_BODY_LENGTH);

    // Assess
    expect(parts).toEqual([]);
  });

  it('returns well-formed parts within the limit that keep every word in order', () => {
    // Prepare
    const word = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .map((w) => w.replace(/\s/g, ''))
      .filter((w) => w !== '');
    const text = fc.array(word, { minLength: 1, maxLength: 200 });
    const limit = fc.integer({ min: 40, max: 200 });

    // Act & Assess
    fc.assert(
      fc.property(text, limit, (words, maxLength) => {
        const parts = splitMessage(words.join(' '), maxLength);
        expect(parts.every((p) => p.length <= maxLength)).toBe(true);
        expect(parts.every((p) => p.isWellFormed() && p.trim() !== '')).toBe(
          true
        );
        expect(parts.join(' ').split(' ')).toEqual(words);
      }),
      { numRuns: 200 }
    );
  });
});
