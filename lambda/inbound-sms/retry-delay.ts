/**
 * How long a transiently failed text waits before the queue hands it out
 * again: exponential by receive count, with jitter, capped. The queue's
 * 180 s visibility timeout stays the fallback when the change fails.
 */

/** The delay range of the first failed receive, and how it grows. */
export const RETRY_DELAY = {
  /** The longest delay after the first failed receive. */
  baseSeconds: 2,
  /** The longest delay of any receive. */
  capSeconds: 300,
} as const;

/** SQS takes a VisibilityTimeout of 0 to 43,200 seconds (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface DelayBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/**
 * The range the delay after receive `receiveCount` is drawn from ("equal
 * jitter"): the capped exponential delay `d = min(cap, base * 2^(n-1))`,
 * then anything from `d/2` to `d`. A count that is not a whole number of
 * at least 1 counts as the first receive.
 */
export const retryDelayBounds = (receiveCount: number): DelayBounds => {
  const n =
    Number.isSafeInteger(receiveCount) && receiveCount >= 1 ? receiveCount : 1;
  // 2^(n-1) overflows nothing that matters: the cap applies long before.
  const exponent = Math.min(n - 1, 30);
  const maxSeconds = Math.min(
    RETRY_DELAY.capSeconds,
    RETRY_DELAY.baseSeconds * 2 ** exponent
  );
  return { minSeconds: Math.floor(maxSeconds / 2), maxSeconds };
};

/**
 * The whole seconds a text waits after failing on receive `receiveCount`,
 * drawn evenly from `retryDelayBounds(receiveCount)`. `random` returns a
 * number in [0, 1), as `Math.random` does.
 */
export const retryDelaySeconds = (
  receiveCount: number,
  random: () => number = Math.random
): number => {
  const { minSeconds, maxSeconds } = retryDelayBounds(receiveCount);
  const spread = maxSeconds - minSeconds + 1;
  return Math.min(maxSeconds, minSeconds + Math.floor(random() * spread));
};

/**
 * The least time a text that fails every receive spends in the queue
 * before its last receive: the sum of the minimum delays of the receives
 * before it.
 */
export const minimumRetryWindowSeconds = (maxReceiveCount: number): number => {
  let total = 0;
  for (let n = 1; n < maxReceiveCount; n++) {
    total += retryDelayBounds(n).minSeconds;
  }
  return total;
};

/**
 * The fewest receives whose minimum retry window covers `seconds`: a text
 * failing every receive for that long is still in the queue.
 */
export const receivesCovering = (seconds: number): number => {
  let receives = 1;
  while (minimumRetryWindowSeconds(receives) < seconds) receives++;
  return receives;
};
