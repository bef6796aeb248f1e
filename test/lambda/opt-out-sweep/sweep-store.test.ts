import { STALE_MARKER_MS } from '../../../lambda/opt-out-sweep/sweep-store';
import {
  type SweepFixture,
  startSweepFixture,
} from '../../support/sweep-fixture';

const KEY = 'a'.repeat(64);
const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('the opt-out sweep store', () => {
  let sweep: SweepFixture;

  beforeAll(async () => {
    sweep = await startSweepFixture();
  });

  afterAll(async () => {
    await sweep.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  let keys = 0;
  const freshKey = () => `${KEY}${++keys}`;

  describe('markers', () => {
    it('lets the first claimant have a marker', async () => {
      // Act
      const result = await sweep.store.claim(freshKey(), 'first');

      // Assess
      expect(result).toBe('claimed');
    });

    it('answers busy while another run holds the marker', async () => {
      // Prepare
      const key = freshKey();
      await sweep.store.claim(key, 'first');

      // Act
      const result = await sweep.store.claim(key, 'second');

      // Assess
      expect(result).toBe('busy');
    });

    it.each(['ended', 'failed'] as const)(
      'answers settled once the marker is %s',
      async (state) => {
        // Prepare
        const key = freshKey();
        await sweep.store.claim(key, 'first');
        await sweep.store.settle(key, 'first', state);

        // Act
        const result = await sweep.store.claim(key, 'second');

        // Assess
        expect(result).toBe('settled');
      }
    );

    it('lets another run have a released marker', async () => {
      // Prepare
      const key = freshKey();
      await sweep.store.claim(key, 'first');
      await sweep.store.release(key, 'first');

      // Act
      const result = await sweep.store.claim(key, 'second');

      // Assess
      expect(result).toBe('claimed');
    });

    it('lets another run take over the marker of a run that died', async () => {
      // Prepare
      const key = freshKey();
      jest.spyOn(Date, 'now').mockReturnValue(NOW);
      await sweep.store.claim(key, 'first');
      jest.spyOn(Date, 'now').mockReturnValue(NOW + STALE_MARKER_MS + 1);

      // Act
      const result = await sweep.store.claim(key, 'second');

      // Assess
      expect(result).toBe('claimed');
    });

    it('does not settle a marker another run took over', async () => {
      // Prepare
      const key = freshKey();
      jest.spyOn(Date, 'now').mockReturnValue(NOW);
      await sweep.store.claim(key, 'first');
      jest.spyOn(Date, 'now').mockReturnValue(NOW + STALE_MARKER_MS + 1);
      await sweep.store.claim(key, 'second');

      // Act
      await sweep.store.settle(key, 'first', 'ended');

      // Assess
      expect(await sweep.store.claim(key, 'third')).toBe('busy');
    });
  });

  describe('the cursor', () => {
    it('is saved once for a version, and refused for a stale one', async () => {
      // Prepare
      const cursor = { watermark: NOW, passStartedAt: NOW, nextToken: 'p2' };
      const stored = await sweep.store.loadCursor();
      const version = stored?.version ?? 0;

      // Act
      const first = await sweep.store.saveCursor(cursor, version);
      const again = await sweep.store.saveCursor(cursor, version);

      // Assess
      expect({
        first,
        again,
        loaded: await sweep.store.loadCursor(),
      }).toEqual({
        first: true,
        again: false,
        loaded: { cursor, version: version + 1 },
      });
    });

    it('drops the NextToken when a pass ends', async () => {
      // Prepare
      const stored = await sweep.store.loadCursor();
      const version = stored?.version ?? 0;
      await sweep.store.saveCursor(
        { watermark: NOW, passStartedAt: NOW, nextToken: 'p2' },
        version
      );

      // Act
      await sweep.store.saveCursor(
        { watermark: NOW + 1, passStartedAt: NOW },
        version + 1
      );

      // Assess
      expect((await sweep.store.loadCursor())?.cursor).toEqual({
        watermark: NOW + 1,
        passStartedAt: NOW,
      });
    });
  });
});
