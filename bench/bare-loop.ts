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

/*
 * The floor: per text, the four calls the handler makes (the consistent
 * read of the conversation's hold, then the idempotent forward), built by
 * the code that builds the handler's (its hold store, Powertools'
 * DynamoDBPersistenceLayer, its chat event) and sent by clients configured
 * the same way, bundled as the functions are, and nothing else. The bench
 * checks all four on the wire. worker.ts loads it as it loads the
 * handler.
 */
const config = loadConfig(process.env);
const chat = new connect.ConnectClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode: connectRetryMode(process.env),
});
const holds = dynamoDbHolds(
  new DynamoDBClient({}),
  config.idempotencyTableName
);
// The record's requests alone, without makeIdempotent's steps around them.
class Records extends DynamoDBPersistenceLayer {
  put = (record: IdempotencyRecord) => this._putRecord(record);
  update = (record: IdempotencyRecord) => this._updateRecord(record);
}
const records = new Records({ tableName: config.idempotencyTableName });
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

const forward = async (
  { id, conversation, event }: ReturnType<typeof plan>,
  context: Context
) => {
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
  const responseData = {
    eventType: 'MESSAGE',
    contactId: sent.InitialContactId ?? '',
    newChat: sent.NewChatCreated === true,
  };
  await records.update(
    new IdempotencyRecord({
      idempotencyKey,
      status: 'COMPLETED',
      expiryTimestamp: expiryTimestamp(),
      responseData,
    })
  );
};

/** The texts one after another, as the handler forwards a batch's. */
export const handler = async (plans: ReturnType<typeof plan>[], c: Context) => {
  for (const text of plans) await forward(text, c);
};
