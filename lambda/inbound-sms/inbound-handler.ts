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
import type { ConversationHolds, Hold } from './conversation-hold';
import type { Deliver, Delivered } from './delivery';
import {
  heldDelaySeconds,
  holdExpiresAt,
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
   * Writes the holds of the conversations whose text failed in this batch,
   * once their wait is set: the holder is due back after its delay, or
   * after the visibility timeout when the delay was not taken. A holder on
   * its last receive lets go instead: SQS moves it to the dead-letter
   * queue, and its conversation goes on.
   */
  const writeHolds = async (
    failed: readonly FailedRecord[],
    delayed: ReadonlySet<number>,
    now: number
  ) => {
    const { holds } = deps;
    if (holds === undefined) return;
    for (const [index, { holder, delaySeconds, record }] of failed.entries()) {
      if (holder === undefined) continue;
      try {
        if (isLastReceive(record)) {
          await holds.release(holder.conversation, holder.heldBy);
          continue;
        }
        const retryAt =
          now +
          1000 *
            (delayed.has(index)
              ? delaySeconds
              : QUEUE_VISIBILITY_TIMEOUT_SECONDS);
        await holds.hold(holder.conversation, {
          heldBy: holder.heldBy,
          orderKey: holder.orderKey,
          retryAt,
          expiresAt: holdExpiresAt(retryAt),
        });
      } catch (error) {
        logger.warn(
          'Could not hold the conversation of a failed message; its later ' +
            'texts in other batches are not held back',
          {
            inboundMessageId: holder.heldBy,
            errorName: errorNameOf(error),
            httpStatusCode: httpStatusOf(error),
          }
        );
      }
    }
  };

  const releaseHold = async (conversation: string, heldBy: string) => {
    try {
      await deps.holds?.release(conversation, heldBy);
    } catch (error) {
      // The hold lapses by itself; until then the conversation waits.
      logger.warn('Could not end the hold of a delivered message', {
        inboundMessageId: heldBy,
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
      });
    }
  };

  const isLastReceive = (record: SQSRecord): boolean =>
    deps.maxReceiveCount !== undefined &&
    Number(record.attributes.ApproximateReceiveCount) >= deps.maxReceiveCount;

  const ownDelay = (record: SQSRecord): number =>
    retryDelay(Number(record.attributes.ApproximateReceiveCount));

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
        holder?: Holder
      ) => {
        failed.push({
          record,
          inboundMessageId: parsed.ok
            ? parsed.sms.inboundMessageId
            : parsed.inboundMessageId,
          delaySeconds,
          ...(holder === undefined ? {} : { holder }),
        });
      };
      // Conversations with a text left to the queue in this batch, by the
      // hold that text is to write: their later texts wait with it, so the
      // agent reads them in order.
      const held = new Map<string, Pick<Hold, 'orderKey' | 'retryAt'>>();
      const holdBack = (
        record: SQSRecord,
        parsed: ParsedSms & { ok: true },
        hold: Pick<Hold, 'orderKey' | 'retryAt'>,
        orderKey: number
      ) => {
        fail(
          record,
          parsed,
          heldDelaySeconds({
            hold,
            orderKey,
            ownDelaySeconds: ownDelay(record),
            now: Date.now(),
          })
        );
        metrics.addMetric('HeldForOrder', MetricUnit.Count, 1);
        logger.info('Held back behind an earlier text of its conversation', {
          inboundMessageId: parsed.sms.inboundMessageId,
          outcome: 'retry',
        });
      };
      for (const record of event.Records) {
        if ('Sns' in record) {
          await forward(record.Sns.Message, record.Sns.MessageId);
          continue;
        }
        const parsed = parseInboundSms(record.body);
        if (!parsed.ok) {
          try {
            await forward(record.body, record.messageId, parsed);
          } catch {
            fail(record, parsed, ownDelay(record));
          }
          continue;
        }
        const conversation = conversationOf(parsed.sms);
        const me = parsed.sms.inboundMessageId;
        const orderKey =
          parsed.publishedAt ?? Number(record.attributes.SentTimestamp);
        const heldInBatch = held.get(conversation);
        if (heldInBatch !== undefined) {
          holdBack(record, parsed, heldInBatch, orderKey);
          continue;
        }
        const holder = { conversation, heldBy: me, orderKey };
        const failAsHolder = () => {
          const delaySeconds = ownDelay(record);
          fail(record, parsed, delaySeconds, holder);
          held.set(conversation, {
            orderKey,
            retryAt: Date.now() + delaySeconds * 1000,
          });
        };
        let hold: Hold | undefined;
        try {
          hold = await deps.holds?.read(conversation);
        } catch (error) {
          // Fail safe: without the hold, this text might overtake one.
          metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
          logger.warn(
            "Could not read the conversation's hold; the message will be retried",
            {
              inboundMessageId: me,
              outcome: 'retry',
              errorName: errorNameOf(error),
              httpStatusCode: httpStatusOf(error),
            }
          );
          failAsHolder();
          continue;
        }
        if (
          hold !== undefined &&
          hold.heldBy !== me &&
          hold.orderKey < orderKey
        ) {
          if (!isLastReceive(record)) {
            holdBack(record, parsed, hold, orderKey);
            held.set(conversation, hold);
            continue;
          }
          metrics.addMetric('OrderGivenUp', MetricUnit.Count, 1);
          logger.warn(
            'Sent on its last receive although an earlier text of its ' +
              'conversation holds it',
            { inboundMessageId: me }
          );
        }
        try {
          await forward(record.body, record.messageId, parsed);
        } catch {
          failAsHolder();
          continue;
        }
        if (hold?.heldBy === me) await releaseHold(conversation, me);
      }
      const delayed = await delayRetries(failed);
      await writeHolds(failed, delayed, Date.now());
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

type ParsedSms = ReturnType<typeof parseInboundSms>;

/** A record reported failed, so left to the queue for a later receive. */
interface FailedRecord {
  readonly record: SQSRecord;
  readonly inboundMessageId: string | undefined;
  /** How long the queue is asked to keep it before handing it out again. */
  readonly delaySeconds: number;
  /** Present when it failed itself: it is to hold its conversation. */
  readonly holder?: Holder;
}

/** A failed text, as the hold of its conversation names it. */
interface Holder {
  readonly conversation: string;
  readonly heldBy: string;
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
