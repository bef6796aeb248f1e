import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type {
  Context,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { disconnectCustomer, forgetChat } from '../participant/chat-ending';
import { classifySmsError } from '../participant/chat-failures';
import type { OutboundNotices } from '../participant/notices';
import {
  REPLY_METRICS,
  replyFor,
  type TextedAction,
} from '../participant/reply';
import type { SentPartStore } from '../participant/sent-part-record';
import { createMessageTexter } from '../participant/sent-parts';
import type { ChatContact, SessionStore } from '../participant/session-store';
import {
  readStreamedItem,
  type StreamedAction,
} from '../participant/streamed-item';
import { isOptedOutError } from '../participant/text-message';
import {
  type LazySqsClient,
  sendToDeadLetterQueue,
} from '../shared/dead-letter';
import {
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';

export interface OutboundHandlerDependencies {
  readonly sms: PinpointSMSVoiceV2Client;
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
  readonly sqs: LazySqsClient;
  readonly deadLetterQueueUrl: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Texted in place of what SMS cannot carry. */
  readonly notices: OutboundNotices;
  /**
   * Each part of a reply is sent once, keyed on the streamed message's id
   * and the part's index, so a redelivered or half-sent reply, or a flow
   * message the inbound function texted already, does not text the
   * customer twice (`sent-parts.ts`).
   */
  readonly idempotency: SentPartStore;
}

export type OutboundHandler = (
  event: SQSEvent,
  context: Context
) => Promise<SQSBatchResponse>;

/**
 * The outbound function: Connect streams each chat item to the stack's
 * topic, the topic feeds a queue, and agent (and bot, system) messages meant
 * for the customer go to them by SMS from the number they texted. A chat's
 * end removes its session. Failures follow the inbound function's rules:
 * transient ones fail the record (SQS redelivers it), the rest go to the
 * dead-letter queue with their reason.
 */
export const createOutboundHandler = (
  deps: OutboundHandlerDependencies
): OutboundHandler => {
  const { logger, metrics, sessions } = deps;
  const textMessage = createMessageTexter(deps.sms, deps.idempotency);

  const findContact = async (
    contactIds: readonly string[]
  ): Promise<ChatContact | undefined> => {
    for (const contactId of contactIds) {
      const contact = await sessions.getContact(contactId);
      if (contact !== undefined) return contact;
    }
    return undefined;
  };

  const endForOptOut = async (contact: ChatContact, messageId: string) => {
    const session = await sessions.getSession(contact.sessionKey);
    if (
      session?.state === 'active' &&
      session.contactId === contact.contactId
    ) {
      await disconnectCustomer(
        {
          participant: deps.participant,
          sessions,
          onRenewed: (contactId, reason) => {
            metrics.addMetric('ConnectionsRenewed', MetricUnit.Count, 1);
            logger.info(
              'The connection was renewed with the participant token to end the chat',
              { contactId, reason }
            );
          },
        },
        { sessionKey: contact.sessionKey, ...session },
        { clientToken: `${messageId}-opted-out`, optedOut: true }
      );
    } else {
      await forgetChat(sessions, contact, true);
    }
    metrics.addMetric('CustomersOptedOut', MetricUnit.Count, 1);
    logger.warn(
      'The customer has opted out of SMS; the reply is dropped and the chat ended',
      { contactId: contact.contactId, messageId, outcome: 'opted-out' }
    );
  };

  const send = async (action: TextedAction) => {
    const contact = await findContact(action.contactIds);
    if (contact === undefined) {
      throw new UndeliverableError(
        'unknown-destination',
        `no chat session is known for contact ${action.contactIds[0]}`
      );
    }
    if (contact.optedOut || contact.customerNumber === undefined) {
      metrics.addMetric('ItemsNotSent', MetricUnit.Count, 1);
      logger.info('Reply not sent: the customer has opted out', {
        contactId: contact.contactId,
        messageId: action.messageId,
        outcome: 'opted-out',
      });
      return;
    }
    const reply = replyFor(action, deps.notices);
    let parts: number;
    try {
      parts = await textMessage(
        { messageId: action.messageId, content: reply.text },
        { to: contact.customerNumber, fromArn: contact.replyFromArn }
      );
    } catch (error) {
      if (isOptedOutError(error))
        return endForOptOut(contact, action.messageId);
      throw classifySmsError(error);
    }
    metrics.addMetric('RepliesSent', MetricUnit.Count, 1);
    metrics.addMetric('SmsPartsSent', MetricUnit.Count, parts);
    if (reply.kind !== 'text') {
      metrics.addMetric(REPLY_METRICS[reply.kind], MetricUnit.Count, 1);
    }
    logger.info('Reply sent to the customer by SMS', {
      contactId: contact.contactId,
      messageId: action.messageId,
      outcome: 'sent',
      kind: reply.kind,
      ...(reply.kind === 'interactive' ? { template: reply.template } : {}),
      parts,
    });
  };

  const end = async (action: Extract<StreamedAction, { kind: 'end' }>) => {
    const contact = await findContact(action.contactIds);
    if (contact !== undefined) await forgetChat(sessions, contact, false);
    metrics.addMetric('ChatsEnded', MetricUnit.Count, 1);
    logger.info('The chat is over; its session is removed', {
      contactId: action.contactIds[0],
      reason: action.reason,
      outcome: 'ended',
    });
  };

  const handle = async (record: SQSRecord) => {
    try {
      const action = readStreamedItem(
        record.body,
        record.messageAttributes,
        record.messageId
      );
      if (action.kind === 'end') await end(action);
      else if (action.kind !== 'ignore') await send(action);
      else {
        metrics.addMetric('ItemsNotSent', MetricUnit.Count, 1);
        logger.debug('Streamed item not sent', {
          contactId: action.contactIds[0],
          reason: action.reason,
          outcome: 'ignored',
        });
      }
    } catch (error) {
      if (!(error instanceof UndeliverableError)) {
        metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
        logger.warn('Transient failure; the item will be retried', {
          sourceMessageId: record.messageId,
          outcome: 'retry',
          errorName: errorNameOf(error),
          httpStatusCode: httpStatusOf(error),
        });
        throw error;
      }
      await sendToDeadLetterQueue(await deps.sqs(), deps.deadLetterQueueUrl, {
        body: record.body,
        failure: error,
        sourceMessageId: record.messageId,
      });
      metrics.addMetric('PermanentFailures', MetricUnit.Count, 1);
      logger.warn('Undeliverable item sent to the dead-letter queue', {
        sourceMessageId: record.messageId,
        outcome: 'dead-lettered',
        reason: error.reason,
        detail: error.detail,
      });
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    deps.idempotency.config.registerLambdaContext(context);
    try {
      const batchItemFailures: SQSBatchItemFailure[] = [];
      for (const record of event.Records) {
        try {
          await handle(record);
        } catch {
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};
