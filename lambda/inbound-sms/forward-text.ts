import {
  IdempotencyAlreadyInProgressError,
  type IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
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
import type { Deliver, Delivered } from './delivery';
import { type ParsedPayload, parseInboundSms } from './payload';
import type { InboundSms } from './schema';

/**
 * Puts one delivered payload into its chat, once per `inboundMessageId`,
 * or into the dead-letter queue with its reason when no retry can succeed.
 * Throws on a transient failure (the caller leaves the text to its queue
 * or topic to retry).
 */
export type ForwardText = (
  body: string,
  sourceMessageId: string,
  parsed?: ParsedPayload
) => Promise<void>;

/** Whether this call reached the delivery, and what the delivery did. */
interface Attempt {
  forwarded: boolean;
  delivered?: Delivered;
}

/** What forwarding needs; the inbound handler's dependencies extend it. */
export interface ForwarderDependencies {
  readonly deliver: Deliver;
  readonly deadLetterQueueUrl: string;
  readonly sqs: LazySqsClient;
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

export const createForwarder = (deps: ForwarderDependencies): ForwardText => {
  const { logger, metrics } = deps;
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

  return async (body, sourceMessageId, parsed = parseInboundSms(body)) => {
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
        inboundMessageId,
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
};

/** Connect's throttling answers: 429, or a 400 named for throttling. */
const isThrottle = (error: unknown): boolean =>
  httpStatusOf(error) === 429 ||
  /Throttl|TooManyRequests/.test(errorNameOf(error));

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
