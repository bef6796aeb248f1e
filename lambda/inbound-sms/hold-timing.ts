import { MAX_VISIBILITY_TIMEOUT_SECONDS } from './retry-delay';

/**
 * How long a waiting text holds its conversation past its expected
 * return: it may come back later than asked (a crashed invocation leaves
 * it to the 180 s visibility timeout, a backlog delays its receive) and
 * then take up to the function's 30 s timeout. Past that, it is taken for
 * gone (SQS moved it to the dead-letter queue) and holds nothing back.
 */
export const HOLD_GRACE_SECONDS = 300;

/**
 * How long a delivery may take before its text tells the conversation it
 * is in flight: a later text of the conversation in another batch then
 * waits for it. Faster deliveries (most) write nothing.
 */
export const IN_FLIGHT_MARK_MS = 500;

export interface HeldDelayInput {
  /** When the last of the earlier waiting texts is due back (epoch ms). */
  readonly dueAt: number;
  /** The held text's own delay by its receive count. */
  readonly ownDelaySeconds: number;
  /** Epoch milliseconds. */
  readonly now: number;
}

/**
 * The whole seconds a held text waits: until a second after the earlier
 * texts it waits for are due back, and never less than its own retry
 * delay (a late holder does not make it burn receives faster than a text
 * that fails).
 */
export const heldDelaySeconds = ({
  dueAt,
  ownDelaySeconds,
  now,
}: HeldDelayInput): number =>
  Math.min(
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    Math.max(ownDelaySeconds, Math.max(0, Math.ceil((dueAt - now) / 1000)) + 1)
  );

/** When a text due back at `retryAt` stops holding its conversation (epoch s). */
export const holdExpiresAt = (retryAt: number): number =>
  Math.ceil(retryAt / 1000) + HOLD_GRACE_SECONDS;
