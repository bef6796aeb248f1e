import { buildKeywordMatcher } from '../../../lambda/inbound-sms/keyword-match';
import { DEFAULT_DISCONNECT_KEYWORDS } from '../../support/fixtures/bridge-env';

describe('buildKeywordMatcher, begins-with', () => {
  const buildOptOutMatcher = (keywords: readonly string[]) =>
    buildKeywordMatcher(keywords, 'begins-with');

  describe('with the default keywords', () => {
    const isOptOut = buildOptOutMatcher(DEFAULT_DISCONNECT_KEYWORDS);

    it.each([
      ['a keyword followed by a full stop', 'Stop.'],
      ['a keyword followed by more words', 'stop please'],
      ['a keyword in capitals', 'STOP'],
      ['a keyword after a space', ' stop'],
      ['a keyword after a new line', '\nSTOP'],
      ['a hyphenated keyword in mixed case', 'Opt-Out'],
      ['a French keyword in lower case', 'arret'],
      ['a keyword followed by an exclamation mark', 'STOP!!!'],
      ['a keyword followed by an emoji', 'stop🛑'],
      ['a keyword followed by a new line', 'quit\nnow'],
      ['a keyword followed by a comma', 'Cancel, thanks'],
    ])('disconnects on %s: %j', (_name, body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(true);
    });

    it.each([
      ['a longer word that starts with a keyword', 'stopped by'],
      ['a keyword later in the message', 'please stop'],
      ['a keyword repeated without a break', 'stopstop'],
      ['an empty body', ''],
      ['a body of spaces', '   '],
      ['a keyword followed by an accented letter', 'STOPé'],
      ['a keyword followed by a combining accent', 'STOP\u0301'],
      ['a keyword followed by a digit', 'stop2'],
      ['a keyword with a space inside', 'opt out'],
      ['a word that only contains a keyword', 'unstoppable'],
      ['a keyword behind punctuation', '"stop"'],
      ['a greeting', 'Hello, I need help with my order'],
    ])('does not disconnect on %s: %j', (_name, body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(false);
    });

    it.each(
      DEFAULT_DISCONNECT_KEYWORDS.flatMap((keyword) => [
        keyword,
        keyword.toLowerCase(),
        `${keyword[0]}${keyword.slice(1).toLowerCase()} now`,
      ])
    )('disconnects on the default keyword %j', (body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(true);
    });

    it.each(DEFAULT_DISCONNECT_KEYWORDS.map((keyword) => `${keyword}X`))(
      'does not disconnect on %j, a longer word',
      (body) => {
        // Act
        const matched = isOptOut(body);

        // Assess
        expect(matched).toBe(false);
      }
    );
  });

  describe('with custom keywords', () => {
    it.each([
      ['S.T.O.P', 'S.T.O.P now', 'SxTxOxP now'],
      ['end?', 'end? yes', 'en'],
      ['(quit)', '(quit) please', 'quit'],
      ['a|b', 'a|b', 'a'],
      ['[x]', '[x] done', 'x done'],
      ['C++', 'c++ bye', 'cc bye'],
      ['^halt$', '^halt$', 'halt'],
      ['\\d', '\\d', '5'],
      ['stop*', 'stop*', 'stopp'],
      ['{2}', '{2}', '22'],
    ])('matches %j literally', (keyword, matching, notMatching) => {
      // Prepare
      const isOptOut = buildOptOutMatcher([keyword]);

      // Act
      const results = [isOptOut(matching), isOptOut(notMatching)];

      // Assess
      expect(results).toEqual([true, false]);
    });

    it('matches a keyword that is the start of a longer keyword', () => {
      // Prepare
      const isOptOut = buildOptOutMatcher(['STOP', 'STOPALL']);

      // Act
      const matched = isOptOut('stopall please');

      // Assess
      expect(matched).toBe(true);
    });

    it('never disconnects with no keywords', () => {
      // Prepare
      const isOptOut = buildOptOutMatcher([]);

      // Act
      const results = ['STOP', '', '!'].map(isOptOut);

      // Assess
      expect(results).toEqual([false, false, false]);
    });

    it('ignores a blank keyword instead of matching every message', () => {
      // Prepare
      const isOptOut = buildOptOutMatcher(['', '  ', 'STOP']);

      // Act
      const results = ['!', '', 'hello', 'stop'].map(isOptOut);

      // Assess
      expect(results).toEqual([false, false, false, true]);
    });
  });
});

describe('buildKeywordMatcher, whole-message', () => {
  describe('with the default keywords', () => {
    const isOptOut = buildKeywordMatcher(
      DEFAULT_DISCONNECT_KEYWORDS,
      'whole-message'
    );

    it.each([
      ['a keyword in capitals', 'STOP'],
      ['a keyword in lower case', 'stop'],
      ['a keyword followed by a full stop', 'Stop.'],
      ['a keyword between spaces and new lines', ' \n stop \n'],
      ['a keyword followed by exclamation marks', 'STOP!!!'],
      ['a keyword in quotes', '"stop"'],
      ['a keyword in French quotes', '« Arret »'],
      ['a hyphenated keyword in mixed case', 'Opt-Out'],
      ['a keyword followed by an emoji', 'stop🛑'],
      ['a keyword after an emoji with a variation selector', '✋\uFE0F STOP'],
      ['a keyword followed by a family emoji', 'end 👨\u200D👩\u200D👧'],
      ['a keyword with a no-break space around it', '\u00A0QUIT\u00A0'],
    ])('matches %s: %j', (_name, body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(true);
    });

    it.each([
      ['a request to cancel something', 'Cancel my appointment'],
      ['a question that begins with a keyword', 'End of month bill?'],
      ['a keyword followed by more words', 'stop please'],
      ['a keyword followed by a comma and words', 'Cancel, thanks'],
      ['a keyword followed by a new line and words', 'quit\nnow'],
      ['a keyword later in the message', 'please stop'],
      ['a keyword twice', 'stop stop'],
      ['a longer word that starts with a keyword', 'stopped'],
      ['a keyword followed by a digit', 'stop2'],
      ['a keyword after a digit', '2 stop'],
      ['a keyword followed by an accented letter', 'STOPé'],
      ['a keyword followed by a combining accent', 'STOP\u0301'],
      ['a keyword with a space inside', 'opt out'],
      ['a bank name and a question', 'TD bank question'],
      ['an empty body', ''],
      ['only punctuation and emoji', '!!! 🛑'],
    ])('does not match %s: %j', (_name, body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(false);
    });

    it.each(
      DEFAULT_DISCONNECT_KEYWORDS.flatMap((keyword) => [
        keyword,
        keyword.toLowerCase(),
        ` ${keyword[0]}${keyword.slice(1).toLowerCase()}. `,
      ])
    )('matches the default keyword %j', (body) => {
      // Act
      const matched = isOptOut(body);

      // Assess
      expect(matched).toBe(true);
    });
  });

  describe('with custom keywords', () => {
    it.each([
      ['end?', 'End?', 'end'],
      ['(quit)', ' (QUIT) ', 'quit)'],
      ['C++', 'c++!', 'c'],
      ['S.T.O.P', 's.t.o.p.', 'SxTxOxP'],
    ])('matches %j literally', (keyword, matching, notMatching) => {
      // Prepare
      const isOptOut = buildKeywordMatcher([keyword], 'whole-message');

      // Act
      const results = [isOptOut(matching), isOptOut(notMatching)];

      // Assess
      expect(results).toEqual([true, false]);
    });

    it('matches the longer of two keywords that start alike', () => {
      // Prepare
      const isOptOut = buildKeywordMatcher(
        ['STOP', 'STOPALL'],
        'whole-message'
      );

      // Act
      const matched = isOptOut('stopall');

      // Assess
      expect(matched).toBe(true);
    });

    it('ignores a blank keyword instead of matching every message', () => {
      // Prepare
      const isOptOut = buildKeywordMatcher(['', '  ', 'STOP'], 'whole-message');

      // Act
      const results = ['!', '', ' ', 'stop'].map(isOptOut);

      // Assess
      expect(results).toEqual([false, false, false, true]);
    });
  });

  it('answers within a second for a long text of punctuation', () => {
    // Prepare
    const isOptOut = buildKeywordMatcher(['STOP'], 'whole-message');
    const body = `${'!'.repeat(8000)}STOP${'!'.repeat(8000)}x`;
    const started = performance.now();

    // Act
    const matched = isOptOut(body);

    // Assess
    expect(matched).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
