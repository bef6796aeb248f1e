import {
  afterPage,
  CLOCK_MARGIN_MS,
  FIRST_RUN_LOOKBACK_MS,
  firstCursor,
  listRequest,
  markerKeyOf,
  newEndUserOptOuts,
  restartPass,
} from '../../../lambda/opt-out-sweep/entries';

const CUSTOMER = '+14255550182';
const BRIDGE_NUMBER = '+12065550100';
const OTHER_BRIDGE_NUMBER = '+12065550101';
const WATERMARK = Date.parse('2026-11-28T10:00:00Z');
const laterBy = (ms: number) => new Date(WATERMARK + ms);

describe('the opt-out sweep entries', () => {
  describe('newEndUserOptOuts', () => {
    it('keeps an end-user opt-out newer than the watermark', () => {
      // Act
      const optOuts = newEndUserOptOuts(
        [
          {
            OptedOutNumber: CUSTOMER,
            OptedOutTimestamp: laterBy(1),
            EndUserOptedOut: true,
          },
        ],
        WATERMARK
      );

      // Assess
      expect(optOuts).toEqual([
        { number: CUSTOMER, optedOutAt: WATERMARK + 1 },
      ]);
    });

    it('ignores an entry at the watermark', () => {
      // Act
      const optOuts = newEndUserOptOuts(
        [
          {
            OptedOutNumber: CUSTOMER,
            OptedOutTimestamp: laterBy(0),
            EndUserOptedOut: true,
          },
        ],
        WATERMARK
      );

      // Assess
      expect(optOuts).toEqual([]);
    });

    it("ignores the account's own entry (EndUserOptedOut false)", () => {
      // Act
      const optOuts = newEndUserOptOuts(
        [
          {
            OptedOutNumber: CUSTOMER,
            OptedOutTimestamp: laterBy(1),
            EndUserOptedOut: false,
          },
        ],
        WATERMARK
      );

      // Assess
      expect(optOuts).toEqual([]);
    });

    it('ignores an entry without its time or its flag', () => {
      // Act
      const optOuts = newEndUserOptOuts(
        [
          { OptedOutNumber: CUSTOMER, EndUserOptedOut: true },
          { OptedOutNumber: CUSTOMER, OptedOutTimestamp: laterBy(1) },
        ],
        WATERMARK
      );

      // Assess
      expect(optOuts).toEqual([]);
    });
  });

  describe('the cursor', () => {
    it('starts a chat lifetime back on the first run', () => {
      // Act
      const cursor = firstCursor(WATERMARK);

      // Assess
      expect(cursor).toEqual({
        watermark: WATERMARK - FIRST_RUN_LOOKBACK_MS,
        passStartedAt: WATERMARK,
      });
    });

    it('keeps the watermark and carries the token between pages of a pass', () => {
      // Prepare
      const passStartedAt = WATERMARK + 60_000;

      // Act
      const cursor = afterPage(
        { watermark: WATERMARK, passStartedAt: 0 },
        passStartedAt,
        'page-2'
      );

      // Assess
      expect(cursor).toEqual({
        watermark: WATERMARK,
        passStartedAt,
        nextToken: 'page-2',
      });
    });

    it('moves the watermark to the start of a finished pass, less the clock margin', () => {
      // Prepare
      const passStartedAt = WATERMARK + 60 * 60_000;

      // Act
      const cursor = afterPage(
        { watermark: WATERMARK, passStartedAt, nextToken: 'page-2' },
        passStartedAt,
        undefined
      );

      // Assess
      expect(cursor).toEqual({
        watermark: passStartedAt - CLOCK_MARGIN_MS,
        passStartedAt,
      });
    });

    it('never moves the watermark back', () => {
      // Act
      const cursor = afterPage(
        { watermark: WATERMARK, passStartedAt: WATERMARK },
        WATERMARK + 1,
        undefined
      );

      // Assess
      expect(cursor.watermark).toBe(WATERMARK);
    });

    it('restarts a pass from its first page under the same watermark', () => {
      // Act
      const cursor = restartPass(
        { watermark: WATERMARK, passStartedAt: 1, nextToken: 'stale' },
        WATERMARK + 5
      );

      // Assess
      expect(cursor).toEqual({
        watermark: WATERMARK,
        passStartedAt: WATERMARK + 5,
      });
    });
  });

  describe('markerKeyOf', () => {
    const optOut = { number: CUSTOMER, optedOutAt: WATERMARK };

    it('gives the same opt-out and number the same key', () => {
      // Act, Assess
      expect(markerKeyOf('Default', optOut, BRIDGE_NUMBER)).toBe(
        markerKeyOf('Default', { ...optOut }, BRIDGE_NUMBER)
      );
    });

    it('gives each of the bridge numbers a key of its own', () => {
      // Act, Assess
      expect(markerKeyOf('Default', optOut, BRIDGE_NUMBER)).not.toBe(
        markerKeyOf('Default', optOut, OTHER_BRIDGE_NUMBER)
      );
    });

    it('gives a later opt-out of the same customer a new key', () => {
      // Act, Assess
      expect(markerKeyOf('Default', optOut, BRIDGE_NUMBER)).not.toBe(
        markerKeyOf(
          'Default',
          { ...optOut, optedOutAt: WATERMARK + 1 },
          BRIDGE_NUMBER
        )
      );
    });

    it('holds no phone number', () => {
      // Act
      const key = markerKeyOf('Default', optOut, BRIDGE_NUMBER);

      // Assess
      expect(key).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('listRequest', () => {
    it('asks for end-user opt-outs only, 100 a page', () => {
      // Act
      const request = listRequest('Default', undefined);

      // Assess
      expect(request).toEqual({
        OptOutListName: 'Default',
        Filters: [{ Name: 'end-user-opted-out', Values: ['true'] }],
        MaxResults: 100,
      });
    });

    it('continues from the NextToken', () => {
      // Act
      const request = listRequest('Default', 'page-2');

      // Assess
      expect(request.NextToken).toBe('page-2');
    });
  });
});
