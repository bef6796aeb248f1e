import {
  IdempotencyAlreadyInProgressError,
  type IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  SNSEvent,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import {
  type LazySqsClient,
  sendToDeadLetterQueue,
} from '../shared/dead-letter';
import { checkKeyedOnArgument } from '../shared/idempotency-key';
import {
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';
import { changeVisibilities } from '../shared/visibility';
import type { ConversationHolds, WaitingText } from './conversation-hold';
import { type Deliver, type Delivered, isTextInChat } from './delivery';
import {
  heldDelaySeconds,
  holdExpiresAt,
  IN_FLIGHT_MARK_MS,
  QUEUE_VISIBILITY_TIMEOUT_SECONDS,
} from './hold-timing';
import { parseInboundSms } from './payload';
import { retryDelaySeconds } from './retry-delay';
import type { InboundSms } from './schema';

export interface InboundHandlerDependencies {
  readonly deliver: Deliver;
  readonly deadLetterQueueUrl: string;
  /** The queue that feeds the function; failed records wait less on it. */
  readonly queueUrl: string;
  /**
   * Seconds a record failed on receive `receiveCount` waits before the
   * queue hands it out again. @default retryDelaySeconds
   */
  readonly retryDelay?: (receiveCount: number) => number;
  readonly sqs: LazySqsClient;
  /**
   * Keeps a conversation's order across batches: a text that fails holds
   * its conversation, and its later texts wait for it whatever batch they
   * are in. @default - order is kept within a batch only
   */
  readonly holds?: ConversationHolds;
  /**
   * The queue's `maxReceiveCount`: on its last receive a text is never
   * held back (SQS would move it to the dead-letter queue for waiting),
   * and a holder that fails lets go of its conversation.
   * @default - no receive is taken for the last
   */
  readonly maxReceiveCount?: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Forwarding is idempotent on `inboundMessageId` through this store. The
   * id itself is what is hashed, so `config` has no `eventKeyJmesPath`.
   */
  readonly idempotency: {
    readonly persistenceStore: BasePersistenceLayer;
    readonly config: IdempotencyConfig;
    /** The delivery's own configs, registered with each invocation too. */
    readonly otherConfigs?: readonly IdempotencyConfig[];
  };
}

export type InboundHandler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/** Whether this call reached the delivery, and what the delivery did. */
interface Attempt {
  forwarded: boolean;
  delivered?: Delivered;
}

/**
 * The inbound function, whatever the delivery mode. It takes SQS batches
 * from the bridge's queue, or SNS events when a topic is subscribed to the
 * function directly. A transient failure fails the record (SQS redelivers it)
 * or the invocation (SNS retries it); an undeliverable message goes to the
 * dead-letter queue with its reason and is acknowledged.
 */
export const createInboundHandler = (
  deps: InboundHandlerDependencies
): InboundHandler => {
  const { logger, metrics } = deps;
  const retryDelay = deps.retryDelay ?? retryDelaySeconds;
  checkKeyedOnArgument(deps.idempotency.config);
  // The key hashes the id alone, as `eventKeyJmesPath: 'inboundMessageId'`
  // on the text did (the same JSON string), without a JMESPath search per
  // step of each text.
  const deliverOnce = makeIdempotent(
    async (
      _inboundMessageId: string,
      sms: InboundSms,
      attempt: Attempt
    ): Promise<Delivered> => {
      attempt.forwarded = true;
      attempt.delivered = await deps.deliver(sms);
      return attempt.delivered;
    },
    { ...deps.idempotency, dataIndexArgument: 0 }
  );

  const reportDelivered = (
    delivered: Delivered,
    forwarded: boolean,
    inboundMessageId: string | undefined
  ) => {
    countDelivery(metrics, delivered, forwarded);
    const answered = delivered.eventType === 'HELP';
    logger.info(
      !forwarded
        ? 'Duplicate message not forwarded again'
        : answered
          ? 'Keyword answered by the bridge, not forwarded'
          : 'Message forwarded to Amazon Connect',
      {
        inboundMessageId,
        outcome: !forwarded ? 'duplicate' : answered ? 'answered' : 'delivered',
        eventType: delivered.eventType,
        initialContactId: delivered.contactId,
        newChatCreated: delivered.newChat,
        parts: delivered.parts,
      }
    );
  };

  const deadLetter = async (
    body: string,
    failure: UndeliverableError,
    sourceMessageId: string,
    inboundMessageId: string | undefined
  ) => {
    try {
      await sendToDeadLetterQueue(await deps.sqs(), deps.deadLetterQueueUrl, {
        body,
        failure,
        sourceMessageId,
        ...(inboundMessageId === undefined ? {} : { inboundMessageId }),
      });
    } catch (error) {
      metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
      logger.error(
        'Could not send an undeliverable message to the dead-letter queue; ' +
          'it will be retried',
        {
          inboundMessageId,
          outcome: 'retry',
          reason: failure.reason,
          errorName: errorNameOf(error),
          httpStatusCode: httpStatusOf(error),
        }
      );
      throw error;
    }
    metrics.addMetric('PermanentFailures', MetricUnit.Count, 1);
    // The reason is one of a few fixed words, never personal data.
    const byReason = metrics.singleMetric();
    byReason.addDimension('reason', failure.reason);
    byReason.addMetric('DeadLettered', MetricUnit.Count, 1);
    logUndeliverable(logger, failure, inboundMessageId);
  };

  const forward = async (
    body: string,
    sourceMessageId: string,
    parsed: ParsedSms = parseInboundSms(body)
  ) => {
    if (!parsed.ok) {
      return deadLetter(
        body,
        parsed.error,
        sourceMessageId,
        parsed.inboundMessageId
      );
    }
    const { inboundMessageId } = parsed.sms;
    const attempt: Attempt = { forwarded: false };
    try {
      const delivered = await deliverOnce(
        parsed.sms.inboundMessageId,
        parsed.sms,
        attempt
      );
      reportDelivered(delivered, attempt.forwarded, inboundMessageId);
    } catch (error) {
      if (attempt.delivered) {
        // Connect has the text; only saving the idempotency record failed.
        // Failing the record would have the queue deliver the text again.
        reportDelivered(attempt.delivered, true, inboundMessageId);
        logger.warn('Forwarded, but the idempotency record was not saved', {
          inboundMessageId,
          errorName: errorNameOf(error),
        });
        return;
      }
      if (error instanceof UndeliverableError) {
        return deadLetter(body, error, sourceMessageId, inboundMessageId);
      }
      metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
      if (isThrottle(error)) {
        metrics.addMetric('Throttled', MetricUnit.Count, 1);
      }
      logger.warn('Transient failure; the message will be retried', {
        inboundMessageId,
        outcome: 'retry',
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
        inProgressElsewhere: error instanceof IdempotencyAlreadyInProgressError,
      });
      throw error;
    }
  };

  /**
   * Shortens the wait of the records left to the queue from its 180 s
   * visibility timeout to the retry schedule's seconds. A change SQS does
   * not take leaves that record to the visibility timeout: it comes back
   * later, nothing is lost.
   */
  const delayRetries = async (
    failed: readonly FailedRecord[]
  ): Promise<Set<number>> => {
    const taken = new Set(failed.keys());
    if (failed.length === 0) return taken;
    try {
      const failures = await changeVisibilities(
        await deps.sqs(),
        deps.queueUrl,
        failed.map(({ record, delaySeconds }) => ({
          receiptHandle: record.receiptHandle,
          visibilityTimeout: delaySeconds,
        }))
      );
      for (const { index, code, httpStatusCode } of failures) {
        taken.delete(index);
        logger.warn(
          'Could not shorten the wait of a failed message; it comes back ' +
            'after the visibility timeout',
          {
            inboundMessageId: failed[index]?.inboundMessageId,
            messageId: failed[index]?.record.messageId,
            errorName: code,
            httpStatusCode,
          }
        );
      }
    } catch (error) {
      taken.clear();
      logger.warn(
        'Could not shorten the wait of failed messages; they come back ' +
          'after the visibility timeout',
        { errorName: errorNameOf(error), httpStatusCode: httpStatusOf(error) }
      );
    }
    return taken;
  };

  /**
   * Tells the conversation that `text` waits (failed, held back, or slow
   * in flight): its later texts in any batch wait for it from then on. A
   * text on its last receive that failed leaves instead: SQS moves it to
   * the dead-letter queue, and the conversation goes on.
   */
  const markWaiting = async (
    text: ConversationText,
    record: SQSRecord,
    retryAt: number
  ): Promise<void> => {
    const { holds } = deps;
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
  };

  /** The text is in the chat (or gone for good): nothing waits for it. */
  const markDone = async (text: ConversationText): Promise<void> => {
    try {
      await deps.holds?.leave(text.conversation, text.id);
    } catch (error) {
      // The entry lapses by itself; until then the conversation waits.
      logger.warn("Could not end a delivered message's hold", {
        inboundMessageId: text.id,
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
      });
    }
  };

  /**
   * A failed text whose wait could not be shortened comes back after the
   * visibility timeout: its entry says so.
   */
  const extendHolds = async (
    failed: readonly FailedRecord[],
    delayed: ReadonlySet<number>
  ) => {
    for (const [index, { waiting, record }] of failed.entries()) {
      if (waiting === undefined || delayed.has(index)) continue;
      await markWaiting(
        waiting,
        record,
        Date.now() + QUEUE_VISIBILITY_TIMEOUT_SECONDS * 1000
      );
    }
  };

  const isLastReceive = (record: SQSRecord): boolean =>
    deps.maxReceiveCount !== undefined &&
    Number(record.attributes.ApproximateReceiveCount) >= deps.maxReceiveCount;

  const ownDelay = (record: SQSRecord): number =>
    retryDelay(Number(record.attributes.ApproximateReceiveCount));

  /**
   * Marks the texts of a batch still to be settled as waiting once the
   * batch has run `IN_FLIGHT_MARK_MS`: a text received but not yet in the
   * chat (in flight, or queued behind the batch's other texts) then holds
   * back its conversation's later texts in other batches. A batch done
   * sooner (most) writes nothing.
   */
  const inFlightMarks = (
    pending: ReadonlyMap<string, { text: ConversationText; record: SQSRecord }>
  ) => {
    const marking = new Map<string, Promise<void>>();
    const timer =
      deps.holds === undefined
        ? undefined
        : setTimeout(() => {
            for (const [id, { text, record }] of pending) {
              marking.set(
                id,
                markWaiting(text, record, Date.now() + ownDelay(record) * 1000)
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

  return async (event, context) => {
    logger.addContext(context);
    deps.idempotency.config.registerLambdaContext(context);
    for (const other of deps.idempotency.otherConfigs ?? []) {
      other.registerLambdaContext(context);
    }
    try {
      const failed: FailedRecord[] = [];
      const fail = (
        record: SQSRecord,
        parsed: ParsedSms,
        delaySeconds: number,
        waiting?: ConversationText
      ) => {
        failed.push({
          record,
          inboundMessageId: parsed.ok
            ? parsed.sms.inboundMessageId
            : parsed.inboundMessageId,
          delaySeconds,
          ...(waiting === undefined ? {} : { waiting }),
        });
      };
      // Conversations with a text left to the queue in this batch, by when
      // the last of them is due back: their later texts wait with them, so
      // the agent reads them in order.
      const dueAt = new Map<string, number>();
      /** Leaves a text to the queue until after `due`, and says it waits. */
      const holdBack = async (
        record: SQSRecord,
        parsed: ParsedSms & { ok: true },
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
        fail(record, parsed, delaySeconds, text);
        dueAt.set(text.conversation, retryAt);
        metrics.addMetric('HeldForOrder', MetricUnit.Count, 1);
        logger.info('Held back behind an earlier text of its conversation', {
          inboundMessageId: text.id,
          outcome: 'retry',
        });
        await markWaiting(text, record, retryAt);
      };
      const failWaiting = async (
        record: SQSRecord,
        parsed: ParsedSms,
        text: ConversationText
      ) => {
        const delaySeconds = ownDelay(record);
        const retryAt = Date.now() + delaySeconds * 1000;
        fail(record, parsed, delaySeconds, text);
        dueAt.set(text.conversation, retryAt);
        await markWaiting(text, record, retryAt);
      };
      const received: SQSRecord[] = [];
      for (const record of event.Records) {
        if ('Sns' in record) {
          await forward(record.Sns.Message, record.Sns.MessageId);
        } else {
          received.push(record);
        }
      }
      const ordered = inPublicationOrder(received);
      // The texts not yet settled, by id (the first record of an id: a
      // copy of it is settled by the idempotency record).
      const pending = new Map<
        string,
        { text: ConversationText; record: SQSRecord }
      >();
      for (const { record, parsed, orderKey } of ordered) {
        if (!parsed.ok || pending.has(parsed.sms.inboundMessageId)) continue;
        pending.set(parsed.sms.inboundMessageId, {
          record,
          text: {
            conversation: conversationOf(parsed.sms),
            id: parsed.sms.inboundMessageId,
            orderKey,
          },
        });
      }
      const marks = inFlightMarks(pending);
      try {
        for (const { record, parsed, orderKey } of ordered) {
          if (!parsed.ok) {
            try {
              await forward(record.body, record.messageId, parsed);
            } catch {
              fail(record, parsed, ownDelay(record));
            }
            continue;
          }
          const text: ConversationText = {
            conversation: conversationOf(parsed.sms),
            id: parsed.sms.inboundMessageId,
            orderKey,
          };
          /** Its outcome is known: it writes its own entry from now on. */
          const settle = () => {
            pending.delete(text.id);
            return marks.settle(text.id);
          };
          const dueInBatch = dueAt.get(text.conversation);
          if (dueInBatch !== undefined) {
            await settle();
            await holdBack(record, parsed, text, dueInBatch);
            continue;
          }
          let waiting: WaitingText[] = [];
          try {
            waiting = (await deps.holds?.read(text.conversation)) ?? [];
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
            await failWaiting(record, parsed, text);
            continue;
          }
          const earlier = waiting.filter((other) => isBefore(other, text));
          if (earlier.length > 0) {
            if (!isLastReceive(record)) {
              const due = Math.max(...earlier.map(({ retryAt }) => retryAt));
              await settle();
              await holdBack(record, parsed, text, due);
              continue;
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
              // Another copy of the text is being sent: that copy speaks
              // for it. An entry of this copy's would outlive it when SQS
              // had handed out the same message twice (the other copy
              // deletes it), holding the conversation until it lapsed.
              fail(record, parsed, ownDelay(record));
              dueAt.set(
                text.conversation,
                Date.now() + ownDelay(record) * 1000
              );
              continue;
            }
            if (!isTextInChat(failure.error)) {
              await failWaiting(record, parsed, text);
              continue;
            }
            // In the chat, even if its retry still has to finish the chat.
            fail(record, parsed, ownDelay(record));
          }
          if (marked || waiting.some(({ id }) => id === text.id)) {
            await markDone(text);
          }
        }
      } finally {
        await marks.stop();
      }
      const delayed = await delayRetries(failed);
      await extendHolds(failed, delayed);
      return 'Sns' in (event.Records[0] ?? {})
        ? undefined
        : {
            batchItemFailures: failed.map(
              ({ record }): SQSBatchItemFailure => ({
                itemIdentifier: record.messageId,
              })
            ),
          };
    } finally {
      metrics.publishStoredMetrics();
    }
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

type ParsedSms = ReturnType<typeof parseInboundSms>;

/** A record reported failed, so left to the queue for a later receive. */
interface FailedRecord {
  readonly record: SQSRecord;
  readonly inboundMessageId: string | undefined;
  /** How long the queue is asked to keep it before handing it out again. */
  readonly delaySeconds: number;
  /** Present when its conversation's hold lists it as waiting. */
  readonly waiting?: ConversationText;
}

/** A text as its conversation's hold knows it. */
interface ConversationText {
  readonly conversation: string;
  /** Its `inboundMessageId`. */
  readonly id: string;
  /** When it was published (epoch ms): its place in order. */
  readonly orderKey: number;
}

/** Connect's throttling answers: 429, or a 400 named for throttling. */
const isThrottle = (error: unknown): boolean =>
  httpStatusOf(error) === 429 ||
  /Throttl|TooManyRequests/.test(errorNameOf(error));

/**
 * A conversation: the customer and the number they texted (the chat's
 * `SourceId` and `DestinationId`). Holds numbers: stored only hashed.
 */
const conversationOf = (sms: InboundSms): string =>
  `${sms.originationNumber} ${sms.destinationNumber}`;

const countDelivery = (
  metrics: Metrics,
  delivered: Delivered,
  forwarded: boolean
) => {
  if (!forwarded) {
    metrics.addMetric('DuplicatesSuppressed', MetricUnit.Count, 1);
    return;
  }
  // The keyword reply counts itself (HelpRepliesSent).
  if (delivered.eventType === 'HELP') return;
  metrics.addMetric('MessagesForwarded', MetricUnit.Count, 1);
  if (delivered.newChat) {
    metrics.addMetric('NewChatsCreated', MetricUnit.Count, 1);
  }
  if (delivered.parts !== undefined) {
    metrics.addMetric('LongTextsSplit', MetricUnit.Count, 1);
  }
  if (delivered.eventType === 'DISCONNECT') {
    metrics.addMetric('Disconnects', MetricUnit.Count, 1);
  }
};

const logUndeliverable = (
  logger: Logger,
  error: UndeliverableError,
  inboundMessageId: string | undefined
) => {
  const fields = {
    inboundMessageId,
    outcome: 'dead-lettered',
    reason: error.reason,
    detail: error.detail,
  };
  if (error.reason === 'access-denied') {
    logger.error(
      'Amazon Connect refused the call for this account. AWS restricts ' +
        'SendChatIntegrationEvent to End User Messaging: deploy with ' +
        '-c deliveryMode=participant, or set the number as a two-way channel ' +
        'straight to Amazon Connect. Then redrive the dead-letter queue.',
      fields
    );
    return;
  }
  logger.warn('Undeliverable message sent to the dead-letter queue', fields);
};
