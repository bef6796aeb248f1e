import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  ConnectClient,
  SendChatIntegrationEventCommand,
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
import {
  type InboundSmsPayload,
  inboundSms,
  smsRecord,
  sqsEvent,
} from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';

/*
 * The measured function process, bundled with the functions' esbuild
 * options so that the floor runs the handler's SDK code. It runs texts in
 * SQS batches of 10 through the inbound bundle (loaded as Lambda loads it)
 * and the floor, taking turns every `chunk` texts so both meet the same
 * machine, times only the calls, and writes the milliseconds to `out`.
 */
const [entry = '', timeout, variants = '', out = '', ...rest] =
  process.argv.slice(2);
const [warmup = 0, texts = 0, chunk = 1, repeats = 0] = rest.map(Number);

/*
 * The floor: per text, the four calls the handler makes (the consistent
 * read of the conversation's hold, then the idempotent forward), with the
 * same clients configured the same way, and nothing else. The DynamoDB
 * requests are those Powertools' DynamoDBPersistenceLayer (2.35.0) sends;
 * the bench checks all four against the handler's on the wire.
 */
const config = loadConfig(process.env);
const connect = new ConnectClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode: connectRetryMode(process.env),
});
const dynamodb = new DynamoDBClient({});
const TableName = config.idempotencyTableName;
const expiry = () =>
  String(Math.round(Date.now() / 1000 + config.deduplicationWindowSeconds));

const forward = async (text: InboundSmsPayload, context: Context) => {
  const hash = createHash('md5').update(JSON.stringify(text.inboundMessageId));
  const Key = { id: { S: `${context.functionName}#${hash.digest('base64')}` } };
  const hold = holdKeyOf(`${text.originationNumber} ${text.destinationNumber}`);
  await dynamodb.send(
    new GetItemCommand({
      TableName,
      Key: { id: { S: hold } },
      ConsistentRead: true,
    })
  );
  const now = Date.now();
  await dynamodb.send(
    new PutItemCommand({
      TableName,
      Item: {
        ...Key,
        expiration: { N: expiry() },
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
  const sent = await connect.send(
    new SendChatIntegrationEventCommand(toChatIntegrationEvent(text, config))
  );
  await dynamodb.send(
    new UpdateItemCommand({
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
        ':expiry': { N: expiry() },
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

// Untimed: the batch's event or texts, and its context.
const context = () =>
  fakeContext({
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    region: process.env.AWS_REGION,
    timeoutSeconds: Number(timeout),
  });
const handler = variants.includes('handler') ? require(entry).handler : 0;
const prepare = {
  handler: (batch: InboundSmsPayload[], c = context()) => {
    const event = sqsEvent(...batch.map((text) => smsRecord(text)));
    return async () => (await handler(event, c)).batchItemFailures.length;
  },
  bare:
    (batch: InboundSmsPayload[], c = context()) =>
    async () => {
      for (const text of batch) await forward(text, c);
      return 0;
    },
};

const round = async (variant: keyof typeof prepare, count: number) => {
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, b) =>
    prepare[variant](
      Array.from({ length: Math.min(10, count - b * 10) }, (_, i) =>
        inboundSms({
          // 100 customers: most texts are later texts of a chat.
          originationNumber: `+1425555${1000 + ((b * 10 + i) % 100)}`,
          destinationNumber: '+12065550100',
          messageBody: `Is my order ${b * 10 + i} on its way? It is late.`,
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
  return { wallMs, cpuMs: (user + system) / 1000 };
};

const main = async () => {
  const order = variants.split(',') as (keyof typeof prepare)[];
  const ms = {
    handler: { wallMs: [0], cpuMs: [0] },
    bare: { wallMs: [0], cpuMs: [0] },
  };
  for (const variant of order) await round(variant, warmup);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let done = 0; done < texts; done += chunk) {
      for (const variant of order) {
        const { wallMs, cpuMs } = await round(variant, chunk);
        ms[variant].wallMs[repeat] = (ms[variant].wallMs[repeat] ?? 0) + wallMs;
        ms[variant].cpuMs[repeat] = (ms[variant].cpuMs[repeat] ?? 0) + cpuMs;
      }
      order.reverse();
    }
  }
  writeFileSync(out, JSON.stringify(ms));
};
// The bundles keep sockets open: leave when done.
main().then(() => process.exit(0));
