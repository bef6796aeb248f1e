import { createHash } from 'node:crypto';
import {
  ConnectClient,
  SendChatIntegrationEventCommand,
  type SendChatIntegrationEventCommandInput,
} from '@aws-sdk/client-connect';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lambda/inbound-sms/config';
import { holdKeyOf } from '../lambda/inbound-sms/conversation-hold';
import { toChatIntegrationEvent } from '../lambda/inbound-sms/to-chat-event';
import { connectRetryMode } from '../lambda/shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../lambda/shared/request-timeouts';
import { fakeContext } from '../tools/harness/lambda-context';
import { inBatches, serveRounds } from './worker-protocol';

/**
 * The floor the handler is measured against: per text, the four calls the
 * handler makes (the read of the conversation's hold, then the idempotent
 * forward), with the same SDK clients configured the same way, built
 * with the same esbuild options, and nothing else. The requests are the
 * ones Powertools' DynamoDBPersistenceLayer (2.35.0) sends for an
 * idempotent call (`_putRecord`, `_updateRecord`), with its default
 * attribute names; the bench checks them against the handler's on the wire.
 * Arguments: region, timeout in seconds.
 */
const [region, timeout = '30'] = process.argv.slice(2);
const config = loadConfig(process.env);
// As lambda/inbound-sms/handler.ts configures it.
const connect = new ConnectClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode: connectRetryMode(process.env),
});
// As DynamoDBPersistenceLayer creates it without a client of the caller's.
const dynamodb = new DynamoDBClient({});
const tableName = config.idempotencyTableName;
const windowSeconds = config.deduplicationWindowSeconds;
const keyPrefix = process.env.AWS_LAMBDA_FUNCTION_NAME ?? '';

const PUT_CONDITION =
  'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)';

interface Plan {
  readonly key: string;
  /** The conversation's hold item, read first (ordered-batch.ts). */
  readonly holdKey: string;
  readonly request: SendChatIntegrationEventCommandInput;
}

const expiry = () => String(Math.round(Date.now() / 1000 + windowSeconds));

const forward = async (plan: Plan, context: Context) => {
  const key = { id: { S: plan.key } };
  await dynamodb.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { id: { S: plan.holdKey } },
      ConsistentRead: true,
    })
  );
  const now = Date.now();
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        ...key,
        expiration: { N: expiry() },
        status: { S: 'INPROGRESS' },
        in_progress_expiration: {
          N: String(Date.now() + context.getRemainingTimeInMillis()),
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
      ConditionExpression: PUT_CONDITION,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })
  );
  const response = await connect.send(
    new SendChatIntegrationEventCommand(plan.request)
  );
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #expiry = :expiry, #status = :status, #response_data = :response_data',
      ExpressionAttributeNames: {
        '#expiry': 'expiration',
        '#status': 'status',
        '#response_data': 'data',
      },
      ExpressionAttributeValues: {
        ':expiry': { N: expiry() },
        ':status': { S: 'COMPLETED' },
        ':response_data': {
          M: {
            eventType: { S: 'MESSAGE' },
            contactId: { S: response.InitialContactId ?? '' },
            newChat: { BOOL: response.NewChatCreated === true },
          },
        },
      },
    })
  );
};

serveRounds(async (texts) => {
  // Untimed: what the handler derives from each text, computed up front.
  const plans = texts.map(
    (text): Plan => ({
      key: `${keyPrefix}#${createHash('md5')
        .update(JSON.stringify(text.inboundMessageId))
        .digest('base64')}`,
      holdKey: holdKeyOf(`${text.originationNumber} ${text.destinationNumber}`),
      request: toChatIntegrationEvent(text, config),
    })
  );
  const batches = inBatches(plans);
  const contexts = batches.map(() =>
    fakeContext({
      functionName: keyPrefix,
      ...(region === undefined ? {} : { region }),
      timeoutSeconds: Number(timeout),
    })
  );
  return async () => {
    for (const [index, batch] of batches.entries()) {
      for (const plan of batch) {
        await forward(plan, contexts[index] as Context);
      }
    }
    return 0;
  };
});
