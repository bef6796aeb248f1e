import { createHash } from 'node:crypto';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import * as connect from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lambda/inbound-sms/config';
import { dynamoDbHolds } from '../lambda/inbound-sms/conversation-hold';
import { toChatIntegrationEvent } from '../lambda/inbound-sms/to-chat-event';
import { connectRetryMode } from '../lambda/shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../lambda/shared/request-timeouts';
import type { InboundSmsPayload } from '../tools/harness/events';

// The floor (docs/performance.md): the handler's four calls per text, built
// by the handler's own code and clients, and nothing else.
const config = loadConfig(process.env);
const chat = new connect.ConnectClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode: connectRetryMode(process.env),
});
const tableName = config.idempotencyTableName;
const holds = dynamoDbHolds(new DynamoDBClient({}), tableName);
// The record's requests alone, without makeIdempotent's steps around them.
class Records extends DynamoDBPersistenceLayer {
  put = (record: IdempotencyRecord) => this._putRecord(record);
  update = (record: IdempotencyRecord) => this._updateRecord(record);
}
const records = new Records({ tableName });
const expiryTimestamp = () =>
  Math.round(Date.now() / 1000 + config.deduplicationWindowSeconds);

/** What the handler derives from a text; untimed, as its parsing is. */
export const plan = (text: InboundSmsPayload) => ({
  id: createHash('md5')
    .update(JSON.stringify(text.inboundMessageId))
    .digest('base64'),
  conversation: `${text.originationNumber} ${text.destinationNumber}`,
  event: toChatIntegrationEvent(text, config),
});

/** The texts one after another, as the handler forwards a batch's. */
export const handler = async (
  plans: ReturnType<typeof plan>[],
  context: Context
) => {
  for (const { id, conversation, event } of plans) {
    const idempotencyKey = `${context.functionName}#${id}`;
    await holds.read(conversation);
    await records.put(
      new IdempotencyRecord({
        idempotencyKey,
        status: 'INPROGRESS',
        expiryTimestamp: expiryTimestamp(),
        inProgressExpiryTimestamp:
          Date.now() + context.getRemainingTimeInMillis(),
      })
    );
    const sent = await chat.send(
      new connect.SendChatIntegrationEventCommand(event)
    );
    await records.update(
      new IdempotencyRecord({
        idempotencyKey,
        status: 'COMPLETED',
        expiryTimestamp: expiryTimestamp(),
        responseData: {
          eventType: 'MESSAGE',
          contactId: sent.InitialContactId ?? '',
          newChat: sent.NewChatCreated === true,
        },
      })
    );
  }
};
