import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConnectClient,
  SendChatIntegrationEventCommand,
} from '@aws-sdk/client-connect';
import { SQSClient } from '@aws-sdk/client-sqs';
import type {
  Context,
  SNSEvent,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { sendToDeadLetterQueue } from '../shared/dead-letter';
import {
  classifyServiceError,
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';
import { loadConfig } from './config';
import { parseInboundSms } from './payload';
import { toChatIntegrationEvent } from './to-chat-event';

const config = loadConfig(process.env);
const logger = new Logger();
const connect = new ConnectClient({});
const sqs = new SQSClient({});

/**
 * Takes SQS batches from the bridge's queue, or SNS events when a topic is
 * subscribed to the function directly. A transient failure fails the record
 * (SQS redelivers it) or the invocation (SNS retries it); an undeliverable
 * message goes to the dead-letter queue and is acknowledged.
 */
export const handler = async (
  event: SQSEvent | SNSEvent,
  context: Context
): Promise<SQSBatchResponse | undefined> => {
  logger.addContext(context);
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    if ('Sns' in record) {
      await forward(record.Sns.Message, record.Sns.MessageId);
      continue;
    }
    try {
      await forward(record.body, record.messageId);
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return 'Sns' in (event.Records[0] ?? {}) ? undefined : { batchItemFailures };
};

const forward = async (body: string, sourceMessageId: string) => {
  const parsed = parseInboundSms(body);
  const inboundMessageId = parsed.ok
    ? parsed.sms.inboundMessageId
    : parsed.inboundMessageId;
  try {
    if (!parsed.ok) throw parsed.error;
    const request = toChatIntegrationEvent(parsed.sms, config);
    const response = await connect
      .send(new SendChatIntegrationEventCommand(request))
      .catch((error: unknown) => {
        throw classifyServiceError(error);
      });
    logger.info('Message forwarded to Amazon Connect', {
      inboundMessageId,
      outcome: 'delivered',
      eventType: request.Event?.Type,
      initialContactId: response.InitialContactId,
      newChatCreated: response.NewChatCreated,
    });
  } catch (error) {
    if (!(error instanceof UndeliverableError)) {
      logger.warn('Transient failure; the message will be retried', {
        inboundMessageId,
        outcome: 'retry',
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
      });
      throw error;
    }
    await sendToDeadLetterQueue(sqs, config.deadLetterQueueUrl, {
      body,
      failure: error,
      sourceMessageId,
      ...(inboundMessageId === undefined ? {} : { inboundMessageId }),
    });
    logUndeliverable(error, inboundMessageId);
  }
};

const logUndeliverable = (
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
      'Amazon Connect refused SendChatIntegrationEvent for this account. ' +
        'AWS restricts the API to End User Messaging; deploy with ' +
        'deliveryMode=participant, or set the number as a two-way channel ' +
        'straight to Amazon Connect. Redrive the dead-letter queue after.',
      fields
    );
    return;
  }
  logger.warn('Undeliverable message sent to the dead-letter queue', fields);
};
