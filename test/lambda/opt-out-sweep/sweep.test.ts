import {
  CLOCK_MARGIN_MS,
  MAX_PAGES_PER_RUN,
  markerKeyOf,
} from '../../../lambda/opt-out-sweep/entries';
import { SweepFailedError } from '../../../lambda/opt-out-sweep/sweep';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import {
  BRIDGE_NUMBERS,
  type SweepFixture,
  startSweepFixture,
} from '../../support/sweep-fixture';

const [FIRST_NUMBER, SECOND_NUMBER] = BRIDGE_NUMBERS;
const CUSTOMER = '+14255550182';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MINUTE = 60_000;

/** `remainingMs` that gives plenty of time for `checks` looks, then too little. */
const timeRunsOutAfter = (checks: number) => {
  let looks = 0;
  return () => (++looks <= checks ? 50_000 : 10_000);
};

const customer = (index: number) =>
  `+1425555${String(1000 + index).padStart(4, '0')}`;

describe('the opt-out sweep', () => {
  let sweep: SweepFixture;

  beforeEach(async () => {
    sweep = await startSweepFixture({ now: () => NOW });
  });

  afterEach(async () => {
    await sweep.close();
  });

  const ended = () =>
    sweep.endings.map(({ customerNumber, bridgeNumber }) => [
      customerNumber,
      bridgeNumber,
    ]);

  const cursor = async () =>
    (await sweep.items()).find((item) =>
      String(item.id).startsWith('opt-out-sweep#cursor#')
    );

  it("ends the customer's chat with each of the bridge's numbers", async () => {
    // Prepare
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);

    // Act
    await sweep.run();

    // Assess
    expect(ended()).toEqual([
      [CUSTOMER, FIRST_NUMBER],
      [CUSTOMER, SECOND_NUMBER],
    ]);
  });

  it('ends nothing on a second run', async () => {
    // Prepare
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);
    await sweep.run();

    // Act
    const summary = await sweep.run();

    // Assess
    expect({ endings: sweep.endings.length, handled: summary.handled }).toEqual(
      { endings: 2, handled: 0 }
    );
  });

  it("ignores the account's own entry (EndUserOptedOut false)", async () => {
    // Prepare
    sweep.list.entries.push({
      OptedOutNumber: CUSTOMER,
      OptedOutTimestamp: new Date(NOW - MINUTE),
      EndUserOptedOut: false,
    });

    // Act
    await sweep.run();

    // Assess
    expect(sweep.endings).toEqual([]);
  });

  it('ignores an opt-out older than the watermark of a finished pass', async () => {
    // Prepare: a first pass over an empty list
    await sweep.run();
    sweep.list.optOut(CUSTOMER, NOW - CLOCK_MARGIN_MS - MINUTE);

    // Act
    await sweep.run();

    // Assess
    expect(sweep.endings).toEqual([]);
  });

  it("looks back Connect's chat lifetime (25 hours) on its first run", async () => {
    // Prepare
    sweep.list.optOut(customer(1), NOW - 24 * 60 * MINUTE);
    sweep.list.optOut(customer(2), NOW - 26 * 60 * MINUTE);

    // Act
    await sweep.run();

    // Assess
    expect(new Set(sweep.endings.map((e) => e.customerNumber))).toEqual(
      new Set([customer(1)])
    );
  });

  it('moves the watermark to the finished pass start, less the clock margin', async () => {
    // Act
    await sweep.run();

    // Assess
    expect(await cursor()).toMatchObject({
      watermark: NOW - CLOCK_MARGIN_MS,
      passStartedAt: NOW,
      version: 1,
    });
  });

  it('reads at most 10 pages a run, and the next run goes on from the cursor', async () => {
    // Prepare: two entries a page, so 12 pages
    for (let i = 0; i < 2 * (MAX_PAGES_PER_RUN + 2); i++) {
      sweep.list.optOut(customer(i), NOW - MINUTE);
    }

    // Act
    const first = await sweep.run();
    const second = await sweep.run();

    // Assess
    expect({
      first: [first.pagesRead, first.passCompleted],
      second: [second.pagesRead, second.passCompleted],
      endings: sweep.endings.length,
      distinct: new Set(
        sweep.endings.map((e) => `${e.customerNumber} ${e.bridgeNumber}`)
      ).size,
    }).toEqual({
      first: [MAX_PAGES_PER_RUN, false],
      second: [2, true],
      endings: 4 * (MAX_PAGES_PER_RUN + 2),
      distinct: 4 * (MAX_PAGES_PER_RUN + 2),
    });
  });

  it('stops with too little time left, and the next run reads the page again', async () => {
    // Prepare: time for the page and the first number only
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);
    await sweep.run({ remainingMs: timeRunsOutAfter(2) });

    // Act
    await sweep.run();

    // Assess
    expect(ended()).toEqual([
      [CUSTOMER, FIRST_NUMBER],
      [CUSTOMER, SECOND_NUMBER],
    ]);
  });

  it('starts the pass again when End User Messaging refuses its NextToken', async () => {
    // Prepare: the first run stops after the first of two pages
    sweep.list.optOut(customer(1), NOW - MINUTE);
    sweep.list.optOut(customer(2), NOW - MINUTE);
    sweep.list.optOut(customer(3), NOW - MINUTE);
    await sweep.run({ remainingMs: timeRunsOutAfter(5) });
    sweep.list.expireTokens();

    // Act
    const summary = await sweep.run();

    // Assess
    expect({
      passCompleted: summary.passCompleted,
      endings: sweep.endings.length,
      restarted: sweep.logs.some(
        ({ fields }) => fields.outcome === 'pass-restarted'
      ),
    }).toEqual({ passCompleted: true, endings: 6, restarted: true });
  });

  it('fails the run after a transient failure, and the next run retries only that chat', async () => {
    // Prepare
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);
    sweep.endChatWith(async (chat) => {
      if (chat.bridgeNumber === SECOND_NUMBER) {
        throw Object.assign(new Error('socket hang up'), {
          name: 'TimeoutError',
        });
      }
      return { contactId: 'contact-1' };
    });
    const failed = sweep.run();
    await expect(failed).rejects.toBeInstanceOf(SweepFailedError);
    sweep.endChatWith(async () => ({ contactId: 'contact-2' }));

    // Act
    await sweep.run();

    // Assess
    expect(ended()).toEqual([
      [CUSTOMER, FIRST_NUMBER],
      [CUSTOMER, SECOND_NUMBER],
      [CUSTOMER, SECOND_NUMBER],
    ]);
  });

  it('fails the run after a permanent failure, and does not try that chat again', async () => {
    // Prepare
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);
    sweep.endChatWith(async () => {
      throw new UndeliverableError(
        'connect-rejected',
        'InvalidRequestException (HTTP 400)'
      );
    });
    await expect(sweep.run()).rejects.toBeInstanceOf(SweepFailedError);

    // Act
    await sweep.run();

    // Assess
    expect(sweep.endings).toHaveLength(2);
  });

  it('leaves a chat another run is ending, and reads its page again', async () => {
    // Prepare: another invocation holds the first number's marker
    const optOut = { number: CUSTOMER, optedOutAt: NOW - MINUTE };
    sweep.list.optOut(optOut.number, optOut.optedOutAt);
    const key = markerKeyOf('Default', optOut, FIRST_NUMBER);
    await sweep.store.claim(key, 'another-invocation');
    await sweep.run();
    await sweep.store.release(key, 'another-invocation');

    // Act
    await sweep.run();

    // Assess
    expect(ended()).toEqual([
      [CUSTOMER, SECOND_NUMBER],
      [CUSTOMER, FIRST_NUMBER],
    ]);
  });

  it('stops, without failing, when another run moved the cursor on', async () => {
    // Prepare: another invocation saves a cursor while this one works
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);
    sweep.endChatWith(async () => {
      await sweep.store.saveCursor({ watermark: NOW, passStartedAt: NOW }, 0);
      return {};
    });

    // Act
    const summary = await sweep.run();

    // Assess
    expect({
      passCompleted: summary.passCompleted,
      overtaken: sweep.logs.some(
        ({ fields }) => fields.outcome === 'overtaken'
      ),
      cursor: await cursor(),
    }).toMatchObject({
      passCompleted: false,
      overtaken: true,
      cursor: { watermark: NOW, version: 1 },
    });
  });

  it('logs the customer and the number texted by their last four digits', async () => {
    // Prepare
    sweep.list.optOut(CUSTOMER, NOW - MINUTE);

    // Act
    await sweep.run();

    // Assess
    const swept = sweep.logs.filter(({ fields }) => fields.outcome === 'ended');
    expect(
      swept.map(({ fields }) => [fields.customer, fields.bridgeNumber])
    ).toEqual([
      ['********0182', '********0100'],
      ['********0182', '********0101'],
    ]);
    expect(JSON.stringify(sweep.logs)).not.toMatch(/\+\d{8,}/);
  });

  it('counts what each run swept, even nothing', async () => {
    // Act
    await sweep.run();

    // Assess
    expect(sweep.metrics).toEqual([{ name: 'OptOutsSwept', value: 0 }]);
  });
});
