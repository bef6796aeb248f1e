import type { SqsResponderOptions } from '../local-aws/sqs';
import type { SimulatedClock } from './clock';
import { type Random, seededRandom, seededUuid } from './random';

export interface SimulatedQueueOptions {
  readonly visibilityTimeoutSeconds: number;
  /** Receives before the redrive policy moves a message to the DLQ. */
  readonly maxReceiveCount: number;
  /**
   * The share of receives after which SQS hands the same message out once
   * more while it is still in flight (at-least-once delivery: a copy on
   * another server missed the receive).
   * @default 0
   */
  readonly redeliveryWhileInFlightRate?: number;
  /** @default seededRandom(1) */
  readonly random?: Random;
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** When the message entered the queue, in the queue's time (ms). */
  readonly sentAt: number;
}

export interface ReceivedMessage extends QueueMessage {
  readonly receiptHandle: string;
  /** ApproximateReceiveCount, this receive included. */
  readonly receiveCount: number;
  readonly firstReceivedAt: number;
}

/** What the redrive policy moved to the dead-letter queue. */
export interface RedrivenMessage extends QueueMessage {
  readonly receiveCount: number;
  readonly movedAt: number;
  readonly reason: typeof MAX_RECEIVE_COUNT_EXCEEDED;
}

export const MAX_RECEIVE_COUNT_EXCEEDED = 'maxReceiveCount exceeded';

export interface QueueStatistics {
  readonly sent: number;
  readonly receives: number;
  readonly deleted: number;
  /** Deletes with a receipt handle a later receive replaced: kept. */
  readonly staleDeletes: number;
  /** Visibility changes taken, and refused for a stale receipt handle. */
  readonly visibilityChanges: number;
  readonly staleVisibilityChanges: number;
  /** Receives of a message still in flight from an earlier receive. */
  readonly redeliveredWhileInFlight: number;
  readonly redriven: number;
}

export interface SimulatedQueue {
  /** Adds a message that becomes visible at `at` (the queue's time). */
  send(body: string, at: number): QueueMessage;
  /**
   * Receives up to `max` visible messages, oldest first, and hides each
   * for the visibility timeout. A message already received
   * `maxReceiveCount` times moves to the dead-letter queue instead.
   */
  receive(max: number, now: number): ReceivedMessage[];
  /** Deletes a message by the receipt handle of its latest receive. */
  delete(receiptHandle: string): boolean;
  /**
   * Makes a message in flight visible `seconds` from `now`, by the receipt
   * handle of its latest receive (ChangeMessageVisibility). False when the
   * handle is not that of a message in flight: deleted, or received again.
   */
  changeVisibility(
    receiptHandle: string,
    seconds: number,
    now: number
  ): boolean;
  /** No message is waiting, in flight or due. */
  isEmpty(): boolean;
  /** When the next message becomes visible, if any is left. */
  nextVisibleAt(): number | undefined;
  deadLetters(): readonly RedrivenMessage[];
  statistics(): QueueStatistics;
}

interface StoredMessage extends QueueMessage {
  readonly seq: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  /** When the latest receive's visibility timeout ends. */
  hiddenUntil: number;
  receiptHandle?: string;
}

/**
 * A standard SQS queue with a redrive policy, in memory and on a simulated
 * clock: visibility timeouts, receive counts, deletes by receipt handle,
 * the move to the dead-letter queue after `maxReceiveCount` receives, and,
 * optionally, a message handed out again while in flight.
 */
export const createSimulatedQueue = (
  options: SimulatedQueueOptions
): SimulatedQueue => {
  const random = options.random ?? seededRandom(1);
  const strayRate = options.redeliveryWhileInFlightRate ?? 0;
  const visibilityMs = options.visibilityTimeoutSeconds * 1000;
  const messages = new Map<string, StoredMessage>();
  const byReceiptHandle = new Map<string, StoredMessage>();
  const redriven: RedrivenMessage[] = [];
  const stats = {
    sent: 0,
    receives: 0,
    deleted: 0,
    staleDeletes: 0,
    visibilityChanges: 0,
    staleVisibilityChanges: 0,
    redeliveredWhileInFlight: 0,
    redriven: 0,
  };
  let seq = 0;
  let handles = 0;

  const remove = (message: StoredMessage) => {
    messages.delete(message.messageId);
    if (message.receiptHandle !== undefined) {
      byReceiptHandle.delete(message.receiptHandle);
    }
  };

  return {
    send: (body, at) => {
      const message: StoredMessage = {
        messageId: seededUuid(random),
        body,
        sentAt: at,
        seq: seq++,
        receiveCount: 0,
        visibleAt: at,
        hiddenUntil: at,
      };
      messages.set(message.messageId, message);
      stats.sent++;
      return { messageId: message.messageId, body, sentAt: at };
    },

    receive: (max, now) => {
      const visible = [...messages.values()]
        .filter(({ visibleAt }) => visibleAt <= now)
        // Oldest first, as SQS mostly (not strictly) returns them.
        .sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
      const received: ReceivedMessage[] = [];
      for (const message of visible) {
        if (received.length >= max) break;
        if (message.receiveCount >= options.maxReceiveCount) {
          remove(message);
          redriven.push({
            messageId: message.messageId,
            body: message.body,
            sentAt: message.sentAt,
            receiveCount: message.receiveCount,
            movedAt: now,
            reason: MAX_RECEIVE_COUNT_EXCEEDED,
          });
          stats.redriven++;
          continue;
        }
        if (message.receiptHandle !== undefined) {
          byReceiptHandle.delete(message.receiptHandle);
        }
        if (message.hiddenUntil > now) stats.redeliveredWhileInFlight++;
        message.receiveCount++;
        message.firstReceivedAt ??= now;
        message.receiptHandle = `${message.messageId}#${++handles}`;
        byReceiptHandle.set(message.receiptHandle, message);
        message.hiddenUntil = now + visibilityMs;
        // The copy that missed this receive is handed out again at once.
        message.visibleAt = random() < strayRate ? now : message.hiddenUntil;
        stats.receives++;
        received.push({
          messageId: message.messageId,
          body: message.body,
          sentAt: message.sentAt,
          receiptHandle: message.receiptHandle,
          receiveCount: message.receiveCount,
          firstReceivedAt: message.firstReceivedAt,
        });
      }
      return received;
    },

    delete: (receiptHandle) => {
      const message = byReceiptHandle.get(receiptHandle);
      if (message === undefined) {
        // SQS answers success, but a handle from an earlier receive may
        // leave the message in the queue.
        stats.staleDeletes++;
        return false;
      }
      remove(message);
      stats.deleted++;
      return true;
    },

    changeVisibility: (receiptHandle, seconds, now) => {
      const message = byReceiptHandle.get(receiptHandle);
      if (message === undefined || message.hiddenUntil <= now) {
        // SQS refuses a handle of a message that is gone or visible again.
        stats.staleVisibilityChanges++;
        return false;
      }
      // A copy handed out again at once (visibleAt before hiddenUntil)
      // stays visible; otherwise the message comes back at the new time.
      const handedOutAgain = message.visibleAt < message.hiddenUntil;
      message.hiddenUntil = now + seconds * 1000;
      if (!handedOutAgain) message.visibleAt = message.hiddenUntil;
      stats.visibilityChanges++;
      return true;
    },

    isEmpty: () => messages.size === 0,

    nextVisibleAt: () => {
      let next: number | undefined;
      for (const { visibleAt } of messages.values()) {
        if (next === undefined || visibleAt < next) next = visibleAt;
      }
      return next;
    },

    deadLetters: () => [...redriven],
    statistics: () => ({ ...stats }),
  };
};

/**
 * The local SQS endpoint's options that send the handler's visibility
 * changes to the simulated queue, on its clock, as SQS would take them: a
 * stale or deleted receipt handle is refused as SQS refuses it.
 */
export const visibilityChangesTo = (
  queue: SimulatedQueue,
  clock: SimulatedClock
): SqsResponderOptions => ({
  changeVisibility: ({ receiptHandle, visibilityTimeout }) =>
    queue.changeVisibility(receiptHandle, visibilityTimeout, clock.now())
      ? undefined
      : {
          code: 'InvalidParameterValue',
          message:
            'Message does not exist or is not available for visibility timeout change',
          senderFault: true,
        },
});
