import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { errorNameOf, httpStatusOf } from '../shared/undeliverable';
import type { ConversationHolds, WaitingText } from './conversation-hold';
import { isTextInChat } from './delivery';
import type { ForwardText } from './forward-text';
import { heldDelaySeconds, IN_FLIGHT_MARK_MS } from './hold-timing';
import { type ParsedPayload, parseInboundSms } from './payload';
import type { InboundSms } from './schema';
import type { ConversationText, WaitingMarks } from './waiting-marks';

/**
 * Thrown by the record handler for a record left to the queue: the batch
 * reports it failed and asks the queue to keep it `delaySeconds`.
 */
export class LeftToQueueError extends Error {
  public constructor(
    public readonly delaySeconds: number,
    public readonly inboundMessageId: string | undefined,
    /** Present when its conversation's hold lists it as waiting. */
    public readonly waiting?: ConversationText
  ) {
    super('Left to the queue for a later receive');
    this.name = 'LeftToQueueError';
  }
}

export interface OrderedBatchTools {
  readonly forward: ForwardText;
  readonly marks: WaitingMarks;
  readonly holds?: ConversationHolds;
  /** Seconds a failed record waits before the queue hands it out again. */
  readonly ownDelay: (record: SQSRecord) => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * One SQS batch: its records in publication order, and the handler that
 * takes them one at a time. A conversation with a text left to the queue
 * (in this batch, or listed in its hold from another batch) has its later
 * texts left with it, so the agent reads them in order.
 */
export const orderedBatch = (
  received: readonly SQSRecord[],
  tools: OrderedBatchTools
) => {
  const { forward, marks, logger, metrics, ownDelay } = tools;
  const ordered = inPublicationOrder(received);
  const byRecord = new Map(ordered.map((entry) => [entry.record, entry]));
  // The texts not yet settled, by id (the first record of an id: a copy
  // of it is settled by the idempotency record).
  const pending = new Map<
    string,
    { text: ConversationText; record: SQSRecord }
  >();
  for (const { record, parsed, orderKey } of ordered) {
    if (!parsed.ok || pending.has(parsed.sms.inboundMessageId)) continue;
    pending.set(parsed.sms.inboundMessageId, {
      record,
      text: textOf(parsed.sms, orderKey),
    });
  }
  const inFlight = inFlightMarks(pending, tools);
  // Conversations with a text left to the queue in this batch, by when
  // the last of them is due back.
  const dueAt = new Map<string, number>();

  const leave = (
    parsed: ParsedPayload,
    delaySeconds: number,
    waiting?: ConversationText
  ) =>
    new LeftToQueueError(
      delaySeconds,
      parsed.ok ? parsed.sms.inboundMessageId : parsed.inboundMessageId,
      waiting
    );

  /** Leaves a text to the queue until after `due`, and says it waits. */
  const holdBack = async (
    record: SQSRecord,
    parsed: ParsedPayload,
    text: ConversationText,
    due: number
  ) => {
    const now = Date.now();
    const delaySeconds = heldDelaySeconds({
      dueAt: due,
      ownDelaySeconds: ownDelay(record),
      now,
    });
    const retryAt = now + delaySeconds * 1000;
    dueAt.set(text.conversation, retryAt);
    metrics.addMetric('HeldForOrder', MetricUnit.Count, 1);
    logger.info('Held back behind an earlier text of its conversation', {
      inboundMessageId: text.id,
      outcome: 'retry',
    });
    await marks.wait(text, record, retryAt);
    return leave(parsed, delaySeconds, text);
  };

  const failWaiting = async (
    record: SQSRecord,
    parsed: ParsedPayload,
    text: ConversationText
  ) => {
    const delaySeconds = ownDelay(record);
    const retryAt = Date.now() + delaySeconds * 1000;
    dueAt.set(text.conversation, retryAt);
    await marks.wait(text, record, retryAt);
    return leave(parsed, delaySeconds, text);
  };

  /** The record handler: resolves when settled, throws `LeftToQueueError`. */
  const handle = async (record: SQSRecord): Promise<void> => {
    const entry = byRecord.get(record);
    if (entry === undefined) throw new Error('Record not in this batch');
    const { parsed, orderKey } = entry;
    if (!parsed.ok) {
      try {
        await forward(record.body, record.messageId, parsed);
      } catch {
        throw leave(parsed, ownDelay(record));
      }
      return;
    }
    const text = textOf(parsed.sms, orderKey);
    /** Its outcome is known: it writes its own entry from now on. */
    const settle = () => {
      pending.delete(text.id);
      return inFlight.settle(text.id);
    };
    const dueInBatch = dueAt.get(text.conversation);
    if (dueInBatch !== undefined) {
      await settle();
      throw await holdBack(record, parsed, text, dueInBatch);
    }
    let waiting: WaitingText[] = [];
    try {
      waiting = (await tools.holds?.read(text.conversation)) ?? [];
    } catch (error) {
      // Fail safe: without the hold, this text might overtake one.
      metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
      logger.warn(
        "Could not read the conversation's hold; the message will be retried",
        {
          inboundMessageId: text.id,
          outcome: 'retry',
          errorName: errorNameOf(error),
          httpStatusCode: httpStatusOf(error),
        }
      );
      await settle();
      throw await failWaiting(record, parsed, text);
    }
    const earlier = waiting.filter((other) => isBefore(other, text));
    if (earlier.length > 0) {
      if (!marks.isLastReceive(record)) {
        const due = Math.max(...earlier.map(({ retryAt }) => retryAt));
        await settle();
        throw await holdBack(record, parsed, text, due);
      }
      metrics.addMetric('OrderGivenUp', MetricUnit.Count, 1);
      logger.warn(
        'Sent on its last receive although an earlier text of its ' +
          'conversation is still waiting',
        { inboundMessageId: text.id }
      );
    }
    let failure: { error: unknown } | undefined;
    try {
      await forward(record.body, record.messageId, parsed);
    } catch (error) {
      failure = { error };
    }
    const marked = await settle();
    if (failure !== undefined) {
      if (failure.error instanceof IdempotencyAlreadyInProgressError) {
        // Another copy of the text is being sent: that copy speaks for
        // it. An entry of this copy's would outlive it when SQS had
        // handed out the same message twice (the other copy deletes it),
        // holding the conversation until it lapsed.
        dueAt.set(text.conversation, Date.now() + ownDelay(record) * 1000);
        throw leave(parsed, ownDelay(record));
      }
      if (!isTextInChat(failure.error)) {
        throw await failWaiting(record, parsed, text);
      }
    }
    if (marked || waiting.some(({ id }) => id === text.id)) {
      await marks.done(text);
    }
    // In the chat, even if its retry still has to finish the chat.
    if (failure !== undefined) throw leave(parsed, ownDelay(record));
  };

  return {
    /** The records in the order to take them. */
    records: ordered.map(({ record }) => record),
    handle,
    /** Stops the in-flight marks and waits for those written. */
    stop: inFlight.stop,
  };
};

/**
 * Marks the texts of a batch still to be settled as waiting once the batch
 * has run `IN_FLIGHT_MARK_MS`: a text received but not yet in the chat (in
 * flight, or queued behind the batch's other texts) then holds back its
 * conversation's later texts in other batches. A batch done sooner (most)
 * writes nothing.
 */
const inFlightMarks = (
  pending: ReadonlyMap<string, { text: ConversationText; record: SQSRecord }>,
  { holds, marks, ownDelay }: OrderedBatchTools
) => {
  const marking = new Map<string, Promise<void>>();
  const timer =
    holds === undefined
      ? undefined
      : setTimeout(() => {
          for (const [id, { text, record }] of pending) {
            marking.set(
              id,
              marks.wait(text, record, Date.now() + ownDelay(record) * 1000)
            );
          }
        }, IN_FLIGHT_MARK_MS);
  return {
    /** Whether the text was marked; waits for its mark to be written. */
    settle: async (id: string): Promise<boolean> => {
      const mark = marking.get(id);
      if (mark === undefined) return false;
      await mark;
      return true;
    },
    stop: async () => {
      clearTimeout(timer);
      await Promise.all(marking.values());
    },
  };
};

/**
 * A batch's records with their payloads, in the order they were published
 * (a stable sort: records published in the same millisecond keep the
 * queue's order). SQS hands a standard queue's messages out in no set
 * order, so a batch may hold a customer's later text before an earlier one.
 */
const inPublicationOrder = (records: readonly SQSRecord[]) =>
  records
    .map((record) => {
      const parsed = parseInboundSms(record.body);
      return {
        record,
        parsed,
        // Raw delivery has no SNS Timestamp: SentTimestamp is when SNS sent
        // it to the queue (epoch ms), https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
        orderKey:
          (parsed.ok ? parsed.publishedAt : undefined) ??
          (Number(record.attributes.SentTimestamp) || 0),
      };
    })
    .sort((a, b) => a.orderKey - b.orderKey);

/**
 * Whether `other` came before `text` in their conversation. Texts
 * published in the same millisecond have no order to keep.
 */
const isBefore = (other: WaitingText, text: ConversationText): boolean =>
  other.id !== text.id && other.orderKey < text.orderKey;

/**
 * A conversation: the customer and the number they texted (the chat's
 * `SourceId` and `DestinationId`). Holds numbers: stored only hashed.
 */
const textOf = (sms: InboundSms, orderKey: number): ConversationText => ({
  conversation: `${sms.originationNumber} ${sms.destinationNumber}`,
  id: sms.inboundMessageId,
  orderKey,
});
