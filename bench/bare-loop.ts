import { createHash } from 'node:crypto';
import * as connect from '@aws-sdk/client-connect';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lambda/inbound-sms/config';
import { holdKeyOf } from '../lambda/inbound-sms/conversation-hold';
import { toChatIntegrationEvent } from '../lambda/inbound-sms/to-chat-event';
import { connectRetryMode } from '../lambda/shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../lambda/shared/request-timeouts';
import type { InboundSmsPayload } from '../tools/harness/events';

/*
 * The floor: per text, the four calls the handler makes (the consistent
 * read of the conversation's hold, then the idempotent forward), with the
 * same clients configured the same way, bundled as the functions are, and
 * nothing else. The idempotency record's requests are those Powertools'
 * DynamoDBPersistenceLayer (2.35.0) sends; the bench checks all four on the
 * wire. worker.ts loads it as it loads the handler's bundle.
 */
const config = loadConfig(process.env);
const chat = new connect.ConnectClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode: connectRetryMode(process.env),
});
const db = new dynamodb.DynamoDBClient({});
const TableName = config.idempotencyTableName;
const expiration = () =>
  String(Math.round(Date.now() / 1000 + config.deduplicationWindowSeconds));

/** What the handler derives from a text; untimed, as its parsing is. */
export const plan = (text: InboundSmsPayload) => ({
  id: createHash('md5')
    .update(JSON.stringify(text.inboundMessageId))
    .digest('base64'),
  hold: holdKeyOf(`${text.originationNumber} ${text.destinationNumber}`),
  event: toChatIntegrationEvent(text, config),
});

export const forward = async (
  { id, hold, event }: ReturnType<typeof plan>,
  context: Context
) => {
  const Key = { id: { S: `${context.functionName}#${id}` } };
  const read = { TableName, Key: { id: { S: hold } }, ConsistentRead: true };
  await db.send(new dynamodb.GetItemCommand(read));
  const now = Date.now();
  await db.send(
    new dynamodb.PutItemCommand({
      TableName,
      Item: {
        ...Key,
        expiration: { N: expiration() },
        status: { S: 'INPROGRESS' },
        in_progress_expiration: {
          N: String(now + context.getRemainingTimeInMillis()),
        },
      },
      ExpressionAttributeNames: {
        '#id': 'id',
        '#expiry': 'expiration',
        '#in_progress_expiry': 'in_progress_expiration',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':now': { N: String(now / 1000) },
        ':now_in_millis': { N: String(now) },
        ':inprogress': { S: 'INPROGRESS' },
      },
      ConditionExpression:
        'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })
  );
  const sent = await chat.send(
    new connect.SendChatIntegrationEventCommand(event)
  );
  await db.send(
    new dynamodb.UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression:
        'SET #expiry = :expiry, #status = :status, #response_data = :response_data',
      ExpressionAttributeNames: {
        '#expiry': 'expiration',
        '#status': 'status',
        '#response_data': 'data',
      },
      ExpressionAttributeValues: {
        ':expiry': { N: expiration() },
        ':status': { S: 'COMPLETED' },
        ':response_data': {
          M: {
            eventType: { S: 'MESSAGE' },
            contactId: { S: sent.InitialContactId ?? '' },
            newChat: { BOOL: sent.NewChatCreated === true },
          },
        },
      },
    })
  );
};
