import {
  minimumRetryWindowSeconds,
  receivesCovering,
  retryDelayBounds,
  retryDelaySeconds,
} from '../../../lambda/inbound-sms/retry-delay';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../../lib/queue-pipeline';

describe('retryDelayBounds', () => {
  it.each([
    [1, 1, 2],
    [2, 2, 4],
    [3, 4, 8],
    [4, 8, 16],
    [5, 16, 32],
    [6, 32, 64],
    [7, 64, 128],
    [8, 128, 256],
    [9, 150, 300],
    [12, 150, 300],
    [1000, 150, 300],
  ])(
    'gives receive %d a delay of %d to %d seconds',
    (receiveCount, min, max) => {
      // Act
      const bounds = retryDelayBounds(receiveCount);

      // Assess
      expect(bounds).toEqual({ minSeconds: min, maxSeconds: max });
    }
  );

  it.each([0, -3, 1.5, Number.NaN])(
    'counts a receive count of %d as the first receive',
    (receiveCount) => {
      // Act
      const bounds = retryDelayBounds(receiveCount);

      // Assess
      expect(bounds).toEqual(retryDelayBounds(1));
    }
  );
});

describe('retryDelaySeconds', () => {
  it('draws the shortest delay of the range when random gives 0', () => {
    // Act
    const delay = retryDelaySeconds(4, () => 0);

    // Assess
    expect(delay).toBe(8);
  });

  it('draws the longest delay of the range when random gives nearly 1', () => {
    // Act
    const delay = retryDelaySeconds(4, () => 0.999_999);

    // Assess
    expect(delay).toBe(16);
  });

  it('draws whole seconds within the range of every receive', () => {
    // Prepare
    const draws = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999_999];

    // Act
    const delays = Array.from({ length: 15 }, (_, i) => i + 1).flatMap((n) =>
      draws.map((r) => ({ n, delay: retryDelaySeconds(n, () => r) }))
    );

    // Assess
    for (const { n, delay } of delays) {
      const { minSeconds, maxSeconds } = retryDelayBounds(n);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(minSeconds);
      expect(delay).toBeLessThanOrEqual(maxSeconds);
    }
  });
});

describe('minimumRetryWindowSeconds', () => {
  it('sums the minimum delays of the receives before the last', () => {
    // Act
    const window = minimumRetryWindowSeconds(13);

    // Assess
    expect(window).toBe(1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 4 * 150);
  });

  it('is nothing when a text is received only once', () => {
    // Act
    const window = minimumRetryWindowSeconds(1);

    // Assess
    expect(window).toBe(0);
  });
});

describe('receivesCovering', () => {
  it('gives the fewest receives whose minimum window covers the time', () => {
    // Act
    const receives = receivesCovering(5_264);

    // Assess
    expect(minimumRetryWindowSeconds(receives)).toBeGreaterThanOrEqual(5_264);
    expect(minimumRetryWindowSeconds(receives - 1)).toBeLessThan(5_264);
  });

  it('gives one receive for no time at all', () => {
    // Act
    const receives = receivesCovering(0);

    // Assess
    expect(receives).toBe(1);
  });
});

describe('the default receive count', () => {
  it('outlasts a burst of 10,000 texts drained at 95% of 2 Connect calls/s', () => {
    // Prepare
    const drainSeconds = 10_000 / (2 * 0.95);

    // Act
    const window = minimumRetryWindowSeconds(DEFAULT_MAX_RECEIVE_COUNT);

    // Assess
    expect(window).toBeGreaterThanOrEqual(drainSeconds);
  });
});
