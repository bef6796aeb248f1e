import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import { connectChatResponder, localChats } from '../local-aws/connect-chat';
import { participantResponder } from '../local-aws/participant';
import { smsVoiceResponder } from '../local-aws/sms-voice';
import { type LocalStackOptions, openLocalStack } from './bridge-start';
import {
  createTable,
  IDEMPOTENCY_TABLE_NAME as IDEMPOTENCY_TABLE,
  localDynamoDbClient,
} from './dynalite';
import {
  inboundSms,
  STREAMING_TOPIC_ARN,
  type StreamedItem,
  smsRecord,
  sqsEvent,
  streamedItemRecord,
} from './events';
import { INBOUND_FUNCTION_NAME } from './lambda-context';
import type { ParticipantBundles } from './synth';

const SESSION_TABLE = 'SmsConnectBridge-SessionTable';
const OUTBOUND_FUNCTION = 'SmsConnectBridge-OutboundFunction';

export const startLocalParticipantBridge = ({
  bundles,
  ...options
}: LocalStackOptions & {
  readonly bundles: ParticipantBundles;
}) =>
  openLocalStack(options, async (stack) => {
    const chats = localChats();
    const smsVoiceState = registeredNumbers(bundles.inbound.variables);
    const connect = await stack.serve('connect', connectChatResponder(chats));
    const participant = await stack.serve(
      'participant',
      participantResponder(chats)
    );
    const smsVoice = await stack.serve('smsVoice', smsVoiceState.respond);
    const url = stack.dynamoDbUrl;
    await createTable(url, SESSION_TABLE, bundles.sessionTableKey);
    await createTable(url, IDEMPOTENCY_TABLE, bundles.idempotencyTableKey);

    const invokeInbound = await stack.load<SQSEvent, SQSBatchResponse>(
      bundles.inbound,
      INBOUND_FUNCTION_NAME,
      {
        [ENV.deadLetterQueueUrl]: stack.queueUrlOf('DeadLetterQueue'),
        [ENV.queueUrl]: stack.queueUrlOf('Queue'),
        [ENV.idempotencyTableName]: IDEMPOTENCY_TABLE,
        [ENV.sessionTableName]: SESSION_TABLE,
        [ENV.chatStreamingTopicArn]: STREAMING_TOPIC_ARN,
        [ENV.sentPartKeyPrefix]: OUTBOUND_FUNCTION,
      }
    );
    const invokeOutbound = await stack.load<SQSEvent, SQSBatchResponse>(
      bundles.outbound,
      OUTBOUND_FUNCTION,
      {
        [ENV.sessionTableName]: SESSION_TABLE,
        [ENV.deadLetterQueueUrl]: stack.queueUrlOf('OutboundDeadLetterQueue'),
      }
    );

    return {
      ...stack,
      chats,
      connect,
      participant,
      /** End User Messaging, owning the template's `PHONE_NUMBERS`. */
      smsVoice: { ...smsVoice, state: smsVoiceState },
      queueUrl: stack.queueUrlOf('Queue'),
      sessionTableName: SESSION_TABLE,
      idempotencyTableName: IDEMPOTENCY_TABLE,
      streamingTopicArn: STREAMING_TOPIC_ARN,
      inboundDeadLetters: () => stack.deadLettersOf('DeadLetterQueue'),
      outboundDeadLetters: () => stack.deadLettersOf('OutboundDeadLetterQueue'),
      sessionItems: async () => {
        const client = localDynamoDbClient(url);
        const { Items = [] } = await client
          .send(
            new ScanCommand({ TableName: SESSION_TABLE, ConsistentRead: true })
          )
          .finally(() => client.destroy());
        return Items.map((item) => unmarshall(item));
      },
      invokeInbound,
      text: async (text: { from: string; to: string; body: string }) => {
        const sms = inboundSms({
          originationNumber: text.from,
          destinationNumber: text.to,
          messageBody: text.body,
        });
        const record = smsRecord(sms);
        const response = await invokeInbound(sqsEvent(record));
        return { sms, record, response };
      },
      stream: (item: StreamedItem) =>
        invokeOutbound(sqsEvent(streamedItemRecord(item))),
    };
  });

export type LocalParticipantBridge = Awaited<
  ReturnType<typeof startLocalParticipantBridge>
>;

// End User Messaging owning the template's numbers under their ARNs, so
// replies sent from them are accepted as the service would.
const registeredNumbers = (variables: Readonly<Record<string, unknown>>) => {
  const numbers = Object.entries(
    JSON.parse(String(variables[ENV.phoneNumbers])) as Record<string, string>
  );
  const [, , , region, account] = numbers[0]?.[1].split(':') ?? [];
  const state = smsVoiceResponder({ region, account });
  for (const [number, arn] of numbers)
    state.addPhoneNumber(number, { PhoneNumberId: arn.split('/')[1] });
  return state;
};
