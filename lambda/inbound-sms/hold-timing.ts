import type { Hold } from './conversation-hold';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from './retry-delay';

/**
 * The queue's visibility timeout (six times the function's 30 s timeout,
 * lib/queue-pipeline.ts): a holder whose wait could not be shortened comes
 * back after it.
 */
export const QUEUE_VISIBILITY_TIMEOUT_SECONDS = 180;

/**
 * How long a hold outlives its holder's expected return: the holder may
 * come back later than asked (a crashed invocation leaves it to the 180 s
 * visibility timeout, a backlog delays its receive) and then take up to
 * the function's 30 s timeout. Past that, the holder is taken for gone
 * (SQS moved it to the dead-letter queue) and the hold lapses.
 */
export const HOLD_GRACE_SECONDS = 300;

/** The most seconds a held text's return is staggered by its place. */
const STAGGER_CAP_SECONDS = 10;

export interface HeldDelayInput {
  readonly hold: Pick<Hold, 'orderKey' | 'retryAt'>;
  /** The held text's place in order (epoch ms it was published). */
  readonly orderKey: number;
  /** The held text's own delay by its receive count. */
  readonly ownDelaySeconds: number;
  /** Epoch milliseconds. */
  readonly now: number;
}

/**
 * The whole seconds a text held behind `hold` waits: until just after the
 * holder is due back, and never less than its own retry delay (a holder
 * that is late does not make it burn receives faster than one that fails).
 * Texts held behind the same holder come back one after another in the
 * order they were published, a second apart per second between them.
 */
export const heldDelaySeconds = ({
  hold,
  orderKey,
  ownDelaySeconds,
  now,
}: HeldDelayInput): number => {
  const untilHolder = Math.max(0, Math.ceil((hold.retryAt - now) / 1000));
  const stagger =
    1 +
    Math.min(
      STAGGER_CAP_SECONDS,
      Math.max(0, Math.ceil((orderKey - hold.orderKey) / 1000))
    );
  return Math.min(
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    Math.max(ownDelaySeconds, untilHolder + stagger)
  );
};

/** When a hold written now lapses (epoch seconds), its holder due at `retryAt`. */
export const holdExpiresAt = (retryAt: number): number =>
  Math.ceil(retryAt / 1000) + HOLD_GRACE_SECONDS;
