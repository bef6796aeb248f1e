import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { errorNameOf, httpStatusOf } from '../shared/undeliverable';
import type { ConversationHolds } from './conversation-hold';
import { holdExpiresAt } from './hold-timing';

/** A text as its conversation's hold knows it. */
export interface ConversationText {
  readonly conversation: string;
  /** Its `inboundMessageId`. */
  readonly id: string;
  /** When it was published (epoch ms): its place in order. */
  readonly orderKey: number;
}

/** Writes a conversation's hold entries; a failed write is logged, not thrown. */
export interface WaitingMarks {
  /**
   * Tells the conversation that `text` waits (failed, held back, or slow
   * in flight): its later texts in any batch wait for it from then on. A
   * text on its last receive leaves instead: SQS moves it to the
   * dead-letter queue if it fails, and the conversation goes on.
   */
  wait(
    text: ConversationText,
    record: SQSRecord,
    retryAt: number
  ): Promise<void>;
  /** The text is in the chat (or gone for good): nothing waits for it. */
  done(text: ConversationText): Promise<void>;
  /** Whether SQS hands the record out for the last time. */
  isLastReceive(record: SQSRecord): boolean;
}

export const waitingMarks = ({
  holds,
  maxReceiveCount,
  logger,
}: {
  readonly holds?: ConversationHolds;
  readonly maxReceiveCount?: number;
  readonly logger: Logger;
}): WaitingMarks => {
  const isLastReceive = (record: SQSRecord): boolean =>
    maxReceiveCount !== undefined &&
    Number(record.attributes.ApproximateReceiveCount) >= maxReceiveCount;
  return {
    isLastReceive,
    async wait(text, record, retryAt) {
      if (holds === undefined) return;
      try {
        if (isLastReceive(record)) {
          await holds.leave(text.conversation, text.id);
          return;
        }
        await holds.wait(text.conversation, {
          id: text.id,
          orderKey: text.orderKey,
          retryAt,
          expiresAt: holdExpiresAt(retryAt),
        });
      } catch (error) {
        logger.warn(
          'Could not hold the conversation for a waiting message; its later ' +
            'texts in other batches are not held back',
          {
            inboundMessageId: text.id,
            errorName: errorNameOf(error),
            httpStatusCode: httpStatusOf(error),
          }
        );
      }
    },
    async done(text) {
      try {
        await holds?.leave(text.conversation, text.id);
      } catch (error) {
        // The entry lapses by itself; until then the conversation waits.
        logger.warn("Could not end a delivered message's hold", {
          inboundMessageId: text.id,
          errorName: errorNameOf(error),
          httpStatusCode: httpStatusOf(error),
        });
      }
    },
  };
};
