import { createHash } from 'node:crypto';
import * as connect from '@aws-sdk/client-connect';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lambda/inbound-sms/config';
import { holdKeyOf } from '../lambda/inbound-sms/conversation-hold';
import { toChatIntegrationEvent } from '../lambda/inbound-sms/to-chat-event';
import { connectRetryMode } from '../lambda/shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../lambda/shared/request-timeouts';
import * as events from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';

/*
 * A warm function process, bundled with the functions' esbuild options so
 * that the floor runs the handler's SDK code. It loads the inbound bundle
 * as Lambda loads it (variant 'handler') or runs the floor ('bare'); for
 * each count the bench sends, it runs that many texts in SQS batches of 10
 * and answers with the wall and CPU milliseconds of the calls alone.
 */
const [entry = '', timeout, variant = ''] = process.argv.slice(2);

/*
 * The floor: per text, the four calls the handler makes (the consistent
 * read of the conversation's hold, then the idempotent forward), with the
 * same clients configured the same way, and nothing else. The idempotency
 * record's requests are those Powertools' DynamoDBPersistenceLayer (2.35.0)
 * sends; the bench checks all four on the wire.
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

const forward = async (text: events.InboundSmsPayload, context: Context) => {
  const hash = createHash('md5').update(JSON.stringify(text.inboundMessageId));
  const Key = { id: { S: `${context.functionName}#${hash.digest('base64')}` } };
  const hold = holdKeyOf(`${text.originationNumber} ${text.destinationNumber}`);
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
  const event = toChatIntegrationEvent(text, config);
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

// Untimed: a batch's event or texts, and its context; timed: the calls.
const handler = variant === 'handler' ? require(entry).handler : undefined;
const prepare = (batch: events.InboundSmsPayload[]) => {
  const c = fakeContext({
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    region: process.env.AWS_REGION,
    timeoutSeconds: Number(timeout),
  });
  const event = events.sqsEvent(...batch.map((text) => events.smsRecord(text)));
  return variant === 'handler'
    ? async () => (await handler(event, c)).batchItemFailures.length
    : async () => {
        for (const text of batch) await forward(text, c);
        return 0;
      };
};

const BODIES = [
  'Hi, my order 4417 has not arrived yet. Can someone check?',
  'Thanks!',
  'Is the store on 5th Avenue open on Sunday?',
  'I would like to change my delivery address, please.',
  'Yes, that works for me. 3pm tomorrow is fine.',
];
const round = async (count: number) => {
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, b) =>
    prepare(
      Array.from({ length: Math.min(10, count - b * 10) }, (_, i) =>
        events.inboundSms({
          // 100 customers: most texts are later texts of a chat.
          originationNumber: `+1425555${1000 + ((b * 10 + i) % 100)}`,
          destinationNumber: '+12065550100',
          messageBody: BODIES[(b * 10 + i) % BODIES.length] as string,
        })
      )
    )
  );
  await new Promise(setImmediate);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let failures = 0;
  for (const batch of batches) failures += await batch();
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  if (failures > 0) throw new Error(`${failures} texts failed: ${variant}`);
  return [wallMs, (user + system) / 1000];
};

process.on('message', async (count: number) => {
  process.send?.(await round(count));
});
// The bundles keep sockets open: leave when the bench lets go.
process.on('disconnect', () => process.exit(0));
