import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  Context,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { Session } from '../../lambda/participant/session-store';
import { SessionStore } from '../../lambda/participant/session-store';
import {
  DEFAULT_ATTACHMENT_NOTICE,
  DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
} from '../../lib/participant-delivery';
import {
  createIdempotencyTable,
  createTable,
  localDynamoDbClient,
  startDynalite,
  stringHashKey,
} from '../../tools/harness/dynalite';
import {
  inboundSms,
  STREAMING_TOPIC_ARN,
  smsRecord,
  sqsEvent,
  streamedItemRecord,
} from '../../tools/harness/events';
import { fakeContext } from '../../tools/harness/lambda-context';
import { endpointVariables, setEnvironment } from '../../tools/harness/sandbox';
import {
  connectChatResponder,
  type LocalChats,
  localChats,
} from '../../tools/local-aws/connect-chat';
import {
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../tools/local-aws/endpoint';
import { participantResponder } from '../../tools/local-aws/participant';
import {
  type ScriptedResponder,
  scriptedResponder,
} from '../../tools/local-aws/scripted';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../tools/local-aws/sms-voice';
import { type StoredMessage, sqsResponder } from '../../tools/local-aws/sqs';

const ACCOUNT = '111122223333';
export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const CONTACT_FLOW_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const OTHER_CONTACT_FLOW_ID = 'ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee';
/** The two End User Messaging numbers customers text. */
export const BRIDGE_NUMBER = '+12065550100';
export const OTHER_BRIDGE_NUMBER = '+12065550177';
export const CONTACT_ATTRIBUTES = { channel: 'sms' };
/** The outbound function's name: its sent-part markers are keyed under it. */
export const OUTBOUND_FUNCTION_NAME = 'SmsConnectBridge-OutboundFunction';
/** The phone-number attributes as the construct names them by default. */
export const NUMBER_ATTRIBUTES = {
  customerNumber: 'customerPhoneNumber',
  systemNumber: 'systemPhoneNumber',
};
/** The streaming topic, as the records of `streamedRecord` name it. */
export { STREAMING_TOPIC_ARN };

type InboundHandler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;
type OutboundHandler = (
  event: SQSEvent,
  context: Context
) => Promise<SQSBatchResponse>;

/** Local Connect, participant service, End User Messaging, SQS, DynamoDB. */
export interface LocalParticipantMode {
  readonly chats: LocalChats;
  readonly connect: LocalEndpoint & Pick<ScriptedResponder, 'queue'>;
  readonly participant: LocalEndpoint & Pick<ScriptedResponder, 'queue'>;
  readonly smsVoice: LocalEndpoint &
    Pick<ScriptedResponder, 'queue'> & { readonly state: SmsVoiceResponder };
  /** The phone-number ARNs End User Messaging gave the two numbers. */
  readonly numberArns: Readonly<Record<string, string>>;
  readonly sessions: SessionStore;
  inboundDeadLetters(): readonly StoredMessage[];
  outboundDeadLetters(): readonly StoredMessage[];
  /** Runs the inbound function on texts, one SQS record each. */
  text(
    ...texts: { from: string; to?: string; body: string; id?: string }[]
  ): Promise<SQSBatchResponse | undefined>;
  /** Runs the outbound function on items Connect streamed. */
  stream(...records: SQSRecord[]): Promise<SQSBatchResponse>;
  session(customer: string, to?: string): Promise<Session | undefined>;
  /** Writes an item to the session table as it is. */
  putItem(item: Record<string, AttributeValue>): Promise<void>;
  /** The local DynamoDB (dynalite) and the session table's name. */
  readonly dynamoDbUrl: string;
  readonly sessionTable: string;
  close(): Promise<void>;
}

export interface LocalParticipantModeOptions {
  /**
   * More variables for both handlers, over what the construct sets (as an
   * option of the construct would add them).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Starts the services participant mode talks to on 127.0.0.1, points the
 * real SDK clients at them through `AWS_ENDPOINT_URL_<SERVICE>`, and loads
 * both handler modules afresh with the environment the construct sets.
 */
export const startLocalParticipantMode = async (
  options: LocalParticipantModeOptions = {}
): Promise<LocalParticipantMode> => {
  const closers: (() => Promise<void> | void)[] = [];
  const chats = localChats();
  const connectScript = scriptedResponder(connectChatResponder(chats));
  const participantScript = scriptedResponder(participantResponder(chats));
  const smsVoiceState = smsVoiceResponder();
  const smsVoiceScript = scriptedResponder(smsVoiceState.respond);
  const sqs = sqsResponder();
  const connect = await startLocalEndpoint(connectScript.respond);
  const participant = await startLocalEndpoint(participantScript.respond);
  const smsVoice = await startLocalEndpoint(smsVoiceScript.respond);
  const sqsEndpoint = await startLocalEndpoint(sqs.respond);
  const dynamoDb = await startDynalite();
  closers.push(
    connect.close,
    participant.close,
    smsVoice.close,
    sqsEndpoint.close,
    dynamoDb.close
  );

  const numberArns = {
    [BRIDGE_NUMBER]: smsVoiceState.addPhoneNumber(BRIDGE_NUMBER).PhoneNumberArn,
    [OTHER_BRIDGE_NUMBER]:
      smsVoiceState.addPhoneNumber(OTHER_BRIDGE_NUMBER).PhoneNumberArn,
  };
  const sessionTable = 'SmsConnectBridge-SessionTable';
  const idempotencyTable = 'SmsConnectBridge-IdempotencyTable';
  await createTable(dynamoDb.url, sessionTable, stringHashKey('pk'));
  await createIdempotencyTable(dynamoDb.url, idempotencyTable);
  const inboundDlq = `${sqsEndpoint.url}/${ACCOUNT}/SmsConnectBridge-DeadLetterQueue`;
  const outboundDlq = `${sqsEndpoint.url}/${ACCOUNT}/SmsConnectBridge-OutboundDeadLetterQueue`;

  const nowhere = path.join(tmpdir(), 'sms-connect-bridge-no-aws-config');
  const environment = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    ...endpointVariables('http://127.0.0.1:9', {
      CONNECT: connect.url,
      CONNECTPARTICIPANT: participant.url,
      PINPOINT_SMS_VOICE_V2: smsVoice.url,
      SQS: sqsEndpoint.url,
      DYNAMODB: dynamoDb.url,
    }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'SmsConnectBridge',
    POWERTOOLS_DEV: undefined,
    // What the bridge construct sets on the inbound function ...
    PHONE_NUMBERS: JSON.stringify(numberArns),
    CHAT_SUBTYPE: 'connect:sms',
    DISCONNECT_KEYWORDS: JSON.stringify(['STOP', 'QUIT', 'UNSUBSCRIBE']),
    KEYWORD_MATCH: 'whole-message',
    NUMBER_ATTRIBUTES: JSON.stringify(NUMBER_ATTRIBUTES),
    CONTACT_ATTRIBUTES: JSON.stringify(CONTACT_ATTRIBUTES),
    SUPPORTED_CONTENT_TYPES: JSON.stringify(['text/plain']),
    IDEMPOTENCY_TABLE_NAME: idempotencyTable,
    DEDUPLICATION_WINDOW_SECONDS: '86400',
    DEAD_LETTER_QUEUE_URL: inboundDlq,
    QUEUE_URL: `${inboundDlq}-Queue`,
    // ... and what the participant construct adds to it.
    CONNECT_INSTANCE_ID: INSTANCE_ID,
    CONTACT_FLOW_IDS: JSON.stringify({
      [BRIDGE_NUMBER]: CONTACT_FLOW_ID,
      [OTHER_BRIDGE_NUMBER]: OTHER_CONTACT_FLOW_ID,
    }),
    SESSION_TABLE_NAME: sessionTable,
    CHAT_STREAMING_TOPIC_ARN: STREAMING_TOPIC_ARN,
    SENT_PART_KEY_PREFIX: OUTBOUND_FUNCTION_NAME,
    ATTACHMENT_NOTICE: DEFAULT_ATTACHMENT_NOTICE,
    UNSUPPORTED_MESSAGE_NOTICE: DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
    ...options.environment,
  };
  // The handlers are required through jest, so they read its process.env.
  const restore = setEnvironment(environment, process.env);
  closers.push(restore);

  let inbound: InboundHandler | undefined;
  let outbound: OutboundHandler | undefined;
  jest.isolateModules(() => {
    inbound = require('../../lambda/inbound-sms/participant-handler')
      .handler as InboundHandler;
  });
  // ... and what it sets on the outbound function.
  const restoreDlq = setEnvironment(
    {
      DEAD_LETTER_QUEUE_URL: outboundDlq,
      AWS_LAMBDA_FUNCTION_NAME: OUTBOUND_FUNCTION_NAME,
    },
    process.env
  );
  jest.isolateModules(() => {
    outbound = require('../../lambda/outbound-sms/handler')
      .handler as OutboundHandler;
  });
  restoreDlq();

  const dynamodb = localDynamoDbClient(dynamoDb.url);
  closers.push(() => dynamodb.destroy());
  const store = new SessionStore(dynamodb, sessionTable);

  return {
    chats,
    connect: { ...connect, queue: connectScript.queue },
    participant: { ...participant, queue: participantScript.queue },
    smsVoice: {
      ...smsVoice,
      queue: smsVoiceScript.queue,
      state: smsVoiceState,
    },
    numberArns,
    sessions: store,
    inboundDeadLetters: () => sqs.messages(inboundDlq),
    outboundDeadLetters: () => sqs.messages(outboundDlq),
    text: (...texts) =>
      (inbound as InboundHandler)(
        sqsEvent(
          ...texts.map(({ from, to, body, id }) =>
            smsRecord(
              inboundSms({
                originationNumber: from,
                destinationNumber: to ?? BRIDGE_NUMBER,
                messageBody: body,
                ...(id === undefined ? {} : { inboundMessageId: id }),
              })
            )
          )
        ),
        fakeContext({ functionName: 'SmsConnectBridge-Function' })
      ),
    stream: (...records) =>
      (outbound as OutboundHandler)(
        sqsEvent(...records),
        fakeContext({ functionName: 'SmsConnectBridge-OutboundFunction' })
      ),
    session: (customer, to = BRIDGE_NUMBER) =>
      store.getSession(`session#${customer}#${to}#connect:sms`),
    dynamoDbUrl: dynamoDb.url,
    sessionTable,
    putItem: async (item) => {
      await dynamodb.send(
        new PutItemCommand({ TableName: sessionTable, Item: item })
      );
    },
    close: async () => {
      for (const closer of closers.splice(0).reverse()) await closer();
    },
  };
};

export interface StreamedItem {
  readonly contactId: string;
  readonly role: 'AGENT' | 'CUSTOMER' | 'SYSTEM' | 'CUSTOM_BOT' | 'SUPERVISOR';
  readonly visibility?: 'AGENT' | 'CUSTOMER' | 'ALL';
  readonly type?: 'MESSAGE' | 'EVENT' | 'ATTACHMENT';
  readonly contentType?: string;
  readonly content?: string;
  readonly id?: string;
  /** The contact after a transfer; the initial contact stays the same. */
  readonly currentContactId?: string;
}

/**
 * A record of the outbound queue: Connect's streaming message as SNS
 * delivers it to SQS without raw delivery, for a chat whose initial
 * contact is `contactId`.
 */
export const streamedRecord = ({
  contactId,
  currentContactId,
  ...item
}: StreamedItem): SQSRecord =>
  streamedItemRecord({
    ...item,
    initialContactId: contactId,
    contactId: currentContactId,
  });
