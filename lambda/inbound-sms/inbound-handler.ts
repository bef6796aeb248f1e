import {
  BatchProcessor,
  EventType,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type {
  Context,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { QUEUE_VISIBILITY_TIMEOUT_SECONDS } from '../shared/settings';
import { errorNameOf, httpStatusOf } from '../shared/undeliverable';
import { changeVisibilities } from '../shared/visibility';
import type { ConversationHolds } from './conversation-hold';
import { createForwarder, type ForwarderDependencies } from './forward-text';
import { LeftToQueueError, orderedBatch } from './ordered-batch';
import { retryDelaySeconds } from './retry-delay';
import { waitingMarks } from './waiting-marks';

export interface InboundHandlerDependencies extends ForwarderDependencies {
  /** The queue that feeds the function; failed records wait less on it. */
  readonly queueUrl: string;
  /**
   * Seconds a record failed on receive `receiveCount` waits before the
   * queue hands it out again. @default retryDelaySeconds
   */
  readonly retryDelay?: (receiveCount: number) => number;
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
}

export type InboundHandler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/**
 * The inbound function, whatever the delivery mode. It takes SQS batches
 * from the bridge's queue through Powertools' `BatchProcessor`, one record
 * at a time in publication order, or SNS events when a topic is subscribed
 * to the function directly. A transient failure fails the record (SQS
 * redelivers it after the retry schedule's delay) or the invocation (SNS
 * retries it); an undeliverable message goes to the dead-letter queue with
 * its reason and is acknowledged.
 */
export const createInboundHandler = (
  deps: InboundHandlerDependencies
): InboundHandler => {
  const { logger, metrics } = deps;
  const retryDelay = deps.retryDelay ?? retryDelaySeconds;
  const ownDelay = (record: SQSRecord): number =>
    retryDelay(Number(record.attributes.ApproximateReceiveCount));
  const forward = createForwarder(deps);
  const marks = waitingMarks(deps);
  const processor = new BatchProcessor(EventType.SQS);

  /**
   * Shortens the wait of the records left to the queue from its 180 s
   * visibility timeout to their delay. A change SQS does not take leaves
   * that record to the visibility timeout: it comes back later, nothing is
   * lost. Returns the indexes of the changes taken.
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
        failed.map(({ record, left }) => ({
          receiptHandle: record.receiptHandle,
          visibilityTimeout: left.delaySeconds,
        }))
      );
      for (const { index, code, httpStatusCode } of failures) {
        taken.delete(index);
        logger.warn(
          'Could not shorten the wait of a failed message; it comes back ' +
            'after the visibility timeout',
          {
            inboundMessageId: failed[index]?.left.inboundMessageId,
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
   * A failed text whose wait could not be shortened comes back after the
   * visibility timeout: its entry says so.
   */
  const extendHolds = async (
    failed: readonly FailedRecord[],
    delayed: ReadonlySet<number>
  ) => {
    for (const [index, { left, record }] of failed.entries()) {
      if (left.waiting === undefined || delayed.has(index)) continue;
      await marks.wait(
        left.waiting,
        record,
        Date.now() + QUEUE_VISIBILITY_TIMEOUT_SECONDS * 1000
      );
    }
  };

  const processSqs = async (
    event: SQSEvent,
    context: Context
  ): Promise<SQSBatchResponse> => {
    const batch = orderedBatch(event.Records, {
      forward,
      marks,
      ownDelay,
      logger,
      metrics,
      ...(deps.holds === undefined ? {} : { holds: deps.holds }),
    });
    let response: SQSBatchResponse;
    try {
      // In order, one at a time (`processInParallel: false`): a later text
      // of a conversation must see whether its earlier one was left to the
      // queue. A batch that fails whole is reported record by record too
      // (`throwOnFullBatchFailure: false`), so its waits are shortened.
      // Options as @aws-lambda-powertools/batch 2.35.0 types them
      // (BatchProcessingOptions); https://docs.powertools.aws.dev/lambda/typescript/latest/features/batch/
      response = await processPartialResponse(
        { Records: batch.records },
        batch.handle,
        processor,
        { context, processInParallel: false, throwOnFullBatchFailure: false }
      );
    } finally {
      await batch.stop();
    }
    const failed = processor.failureMessages.map(
      (record, index): FailedRecord => {
        const sqsRecord = record as SQSRecord;
        const error = processor.errors[index];
        return {
          record: sqsRecord,
          left:
            error instanceof LeftToQueueError
              ? error
              : new LeftToQueueError(ownDelay(sqsRecord), undefined),
        };
      }
    );
    await extendHolds(failed, await delayRetries(failed));
    return response;
  };

  return async (event, context) => {
    logger.addContext(context);
    deps.idempotency.config.registerLambdaContext(context);
    for (const other of deps.idempotency.otherConfigs ?? []) {
      other.registerLambdaContext(context);
    }
    try {
      if (!isSnsEvent(event)) return await processSqs(event, context);
      for (const record of event.Records) {
        await forward(record.Sns.Message, record.Sns.MessageId);
      }
      return undefined;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};

const isSnsEvent = (event: SQSEvent | SNSEvent): event is SNSEvent =>
  'Sns' in (event.Records[0] ?? {});

/** A record reported failed, so left to the queue for a later receive. */
interface FailedRecord {
  readonly record: SQSRecord;
  readonly left: LeftToQueueError;
}
