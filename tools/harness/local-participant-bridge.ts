import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import {
  connectChatResponder,
  type LocalChats,
  localChats,
} from '../local-aws/connect-chat';
import { type LocalEndpoint, startLocalEndpoint } from '../local-aws/endpoint';
import { participantResponder } from '../local-aws/participant';
import {
  type Exchange,
  type ScriptedResponder,
  scriptedResponder,
} from '../local-aws/scripted';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../local-aws/sms-voice';
import type { SqsResponderOptions, StoredMessage } from '../local-aws/sqs';
import {
  type Closers,
  functionEnvironment,
  type LocalService,
  type LocalSqs,
  loadFunction,
  localService,
  openBridge,
  startBaseServices,
} from './bridge-start';
import { createTable, localDynamoDbClient } from './dynalite';
import {
  type InboundSmsPayload,
  inboundSms,
  STREAMING_TOPIC_ARN,
  type StreamedItem,
  smsRecord,
  sqsEvent,
  streamedItemRecord,
} from './events';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import { setEnvironment } from './node-realm';
import type { BridgeFunction, ParticipantBundles } from './synth';

const ACCOUNT = '111122223333';
const SESSION_TABLE = 'SmsConnectBridge-SessionTable';
const IDEMPOTENCY_TABLE = 'SmsConnectBridge-IdempotencyTable';
const PHONE_NUMBER_ARN =
  /^arn:aws[\w-]*:sms-voice:([a-z0-9-]+):(\d{12}):phone-number\/(.+)$/;

/** The two functions of participant mode. */
export type ParticipantFunction = 'inbound' | 'outbound';

const FUNCTION_NAMES: Record<ParticipantFunction, string> = {
  inbound: 'SmsConnectBridge-Function',
  outbound: 'SmsConnectBridge-OutboundFunction',
};

export interface LocalParticipantBridgeOptions {
  /** The synthesized functions whose bundles run, and the tables' keys. */
  readonly bundles: ParticipantBundles;
  /**
   * More environment for both bundles, over their own (an SDK setting such
   * as `AWS_MAX_ATTEMPTS`). `undefined` removes a variable.
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default - lines are captured and still written to the streams */
  readonly logs?: LogCaptureOptions;
  /** How the local SQS takes the handler's visibility changes. */
  readonly sqs?: SqsResponderOptions;
}

/** One call on the wire of any local service, and its answer. */
export interface WireExchange extends Exchange {
  readonly service: 'connect' | 'participant' | 'smsVoice';
}

/** A line a bundle wrote, and which function was running. */
export interface BundleLogLine extends CapturedLine {
  readonly fn: ParticipantFunction;
}

export interface LocalParticipantBridge {
  /** The chats the local Connect opened; end one as an agent would. */
  readonly chats: LocalChats;
  /** Connect's chat routes (`StartChatContact`, `StartContactStreaming`). */
  readonly connect: LocalService;
  /** The Connect Participant Service. */
  readonly participant: LocalService;
  /** The calls of Connect, the participant service and End User Messaging, in the order they were answered. */
  readonly wire: readonly WireExchange[];
  /** End User Messaging, with the numbers of `PHONE_NUMBERS`. */
  readonly smsVoice: LocalService & {
    /** Puts a number on the opt-out list, as a customer's STOP does. */
    optOut(number: string): void;
    readonly state: SmsVoiceResponder;
  };
  readonly sqs: LocalSqs;
  /** The queue that feeds the inbound function (`QUEUE_URL`). */
  readonly queueUrl: string;
  /** Answers any other AWS service with an error, so none is reached. */
  readonly otherServices: LocalEndpoint;
  readonly dynamoDbUrl: string;
  /** The DynamoDB operations called so far, harness setup included. */
  readonly dynamoDbCalls: readonly string[];
  readonly sessionTableName: string;
  readonly idempotencyTableName: string;
  /** What `CHAT_STREAMING_TOPIC_ARN` is set to. */
  readonly streamingTopicArn: string;
  /** What the bundles wrote to stdout and stderr, line by line. */
  readonly logs: readonly BundleLogLine[];
  inboundDeadLetters(): readonly StoredMessage[];
  outboundDeadLetters(): readonly StoredMessage[];
  /** Every item of the session table, read consistently. */
  sessionItems(): Promise<Record<string, unknown>[]>;
  /** Runs the inbound function on a batch of the inbound queue. */
  invokeInbound(event: SQSEvent): Promise<SQSBatchResponse>;
  /** A customer texts `to`: the inbound function runs on that one text. */
  text(text: { from: string; to: string; body: string }): Promise<{
    readonly sms: InboundSmsPayload;
    /** The queue's record of it, for a redelivery of the same message. */
    readonly record: SQSRecord;
    readonly response: SQSBatchResponse;
  }>;
  /** Connect streams an item of a chat: the outbound function runs on it. */
  stream(item: StreamedItem): Promise<SQSBatchResponse>;
  close(): Promise<void>;
}

/**
 * Starts what participant mode talks to on 127.0.0.1 (Connect's chat
 * routes, the participant service, End User Messaging, SQS, DynamoDB
 * through dynalite with the session and idempotency tables), points the
 * AWS SDK at them, and loads both bundles afresh, each with its own
 * environment from the template. Both share the process's environment, so
 * the two functions never run at the same time (one function's invocations
 * may overlap), and one bridge may be open at a time.
 */
export const startLocalParticipantBridge = (
  options: LocalParticipantBridgeOptions
): Promise<LocalParticipantBridge> =>
  openBridge((closers, close) => start(options, closers, close));

const start = async (
  {
    bundles,
    environment = {},
    logs: logOptions,
    sqs: sqsOptions,
  }: LocalParticipantBridgeOptions,
  closers: Closers,
  close: () => Promise<void>
): Promise<LocalParticipantBridge> => {
  const { inbound, outbound } = bundles;
  const wire: WireExchange[] = [];
  const endpoint = async (
    service: WireExchange['service'],
    script: ScriptedResponder
  ) => {
    const started = await startLocalEndpoint(async (request) => {
      const reply = await script.respond(request);
      wire.push({ service, request, reply });
      return reply;
    });
    closers.push(started.close);
    return started;
  };

  const phoneNumberArns = phoneNumbersOf(inbound);
  const chats = localChats();
  const connectScript = scriptedResponder(connectChatResponder(chats));
  const participantScript = scriptedResponder(participantResponder(chats));
  const smsVoiceState = registeredNumbers(phoneNumberArns);
  const smsVoiceScript = scriptedResponder(smsVoiceState.respond);
  const connect = await endpoint('connect', connectScript);
  const participant = await endpoint('participant', participantScript);
  const smsVoice = await endpoint('smsVoice', smsVoiceScript);
  const { sqs, otherServices, dynamoDb, dynamoDbCalls } =
    await startBaseServices(closers, sqsOptions);
  await createTable(dynamoDb.url, SESSION_TABLE, bundles.sessionTableKey);
  await createTable(
    dynamoDb.url,
    IDEMPOTENCY_TABLE,
    bundles.idempotencyTableKey
  );

  const queueUrl = (name: string) =>
    `${sqs.url}/${ACCOUNT}/SmsConnectBridge-${name}`;
  const inboundDeadLetterQueueUrl = queueUrl('DeadLetterQueue');
  const outboundDeadLetterQueueUrl = queueUrl('OutboundDeadLetterQueue');
  const services = {
    otherServices: otherServices.url,
    endpoints: {
      CONNECT: connect.url,
      CONNECTPARTICIPANT: participant.url,
      PINPOINT_SMS_VOICE_V2: smsVoice.url,
      SQS: sqs.url,
      DYNAMODB: dynamoDb.url,
    },
  };
  const functions = { inbound, outbound };
  const locals: Record<ParticipantFunction, Record<string, string>> = {
    inbound: {
      [ENV.deadLetterQueueUrl]: inboundDeadLetterQueueUrl,
      [ENV.queueUrl]: queueUrl('Queue'),
      [ENV.idempotencyTableName]: IDEMPOTENCY_TABLE,
      [ENV.sessionTableName]: SESSION_TABLE,
      [ENV.chatStreamingTopicArn]: STREAMING_TOPIC_ARN,
      [ENV.sentPartKeyPrefix]: FUNCTION_NAMES.outbound,
    },
    outbound: {
      [ENV.sessionTableName]: SESSION_TABLE,
      [ENV.deadLetterQueueUrl]: outboundDeadLetterQueueUrl,
    },
  };
  const fullEnvironment = (name: ParticipantFunction) =>
    functionEnvironment(
      functions[name],
      FUNCTION_NAMES[name],
      services,
      locals[name],
      environment
    );
  // Every variable either function sets, so that switching from one to the
  // other removes what only the first has.
  const allNames = Object.fromEntries(
    [
      ...Object.keys(fullEnvironment('inbound')),
      ...Object.keys(fullEnvironment('outbound')),
    ].map((name) => [name, undefined])
  );
  const environmentOf = (name: ParticipantFunction) => ({
    ...allNames,
    ...fullEnvironment(name),
  });
  closers.push(setEnvironment(environmentOf('inbound')));

  const logs: BundleLogLine[] = [];
  let current: ParticipantFunction = 'inbound';
  let running = 0;
  const capture = captureLogs({
    ...logOptions,
    onLine: (line) => {
      logs.push({ ...line, fn: current });
      logOptions?.onLine?.(line);
    },
  });
  /** Runs `work` as `name`, with its environment; see the note above. */
  const as = async <T>(
    name: ParticipantFunction,
    work: () => Promise<T> | T
  ): Promise<T> => {
    if (running > 0 && current !== name) {
      throw new Error(
        `the ${current} function is still running; the ${name} function must wait for it`
      );
    }
    if (current !== name) {
      setEnvironment(environmentOf(name));
      current = name;
    }
    running++;
    try {
      return await capture.during(work);
    } finally {
      running--;
    }
  };

  const load = (name: ParticipantFunction) =>
    loadFunction<SQSEvent, SQSBatchResponse>(
      functions[name],
      FUNCTION_NAMES[name],
      (work) => as(name, work)
    );
  const invokers = {
    inbound: await load('inbound'),
    outbound: await load('outbound'),
  };
  const invoke = (name: ParticipantFunction) => invokers[name];

  const sessionItems = async () => {
    const client = localDynamoDbClient(dynamoDb.url);
    try {
      const { Items = [] } = await client.send(
        new ScanCommand({ TableName: SESSION_TABLE, ConsistentRead: true })
      );
      return Items.map((item) => unmarshall(item));
    } finally {
      client.destroy();
    }
  };

  return {
    chats,
    connect: localService(connect, connectScript),
    participant: localService(participant, participantScript),
    wire,
    smsVoice: {
      ...localService(smsVoice, smsVoiceScript),
      // Straight to the service's state: it is not a call of the bundle.
      optOut: (number) => smsVoiceState.endUserOptOut(number),
      state: smsVoiceState,
    },
    sqs,
    queueUrl: queueUrl('Queue'),
    otherServices,
    dynamoDbUrl: dynamoDb.url,
    dynamoDbCalls,
    sessionTableName: SESSION_TABLE,
    idempotencyTableName: IDEMPOTENCY_TABLE,
    streamingTopicArn: STREAMING_TOPIC_ARN,
    logs,
    inboundDeadLetters: () => sqs.messages(inboundDeadLetterQueueUrl),
    outboundDeadLetters: () => sqs.messages(outboundDeadLetterQueueUrl),
    sessionItems,
    invokeInbound: invoke('inbound'),
    text: async ({ from, to, body }) => {
      const sms = inboundSms({
        originationNumber: from,
        destinationNumber: to,
        messageBody: body,
      });
      const record = smsRecord(sms);
      const response = await invoke('inbound')(sqsEvent(record));
      return { sms, record, response };
    },
    stream: (item) => invoke('outbound')(sqsEvent(streamedItemRecord(item))),
    close,
  };
};

/** `PHONE_NUMBERS` of the inbound function: number -> phone-number ARN. */
const phoneNumbersOf = (inbound: BridgeFunction): Record<string, string> => {
  const value = inbound.variables[ENV.phoneNumbers];
  if (typeof value !== 'string') {
    throw new Error(`the inbound function has no ${ENV.phoneNumbers}`);
  }
  return JSON.parse(value) as Record<string, string>;
};

/**
 * A local End User Messaging that owns the template's numbers, under their
 * ARNs, so replies sent from them are accepted as the service would.
 */
const registeredNumbers = (
  phoneNumberArns: Readonly<Record<string, string>>
): SmsVoiceResponder => {
  const parsed = Object.entries(phoneNumberArns).map(([number, arn]) => {
    const match = PHONE_NUMBER_ARN.exec(arn);
    if (match === null) {
      throw new Error(`${arn} is not an End User Messaging phone-number ARN`);
    }
    const [, region = '', account = '', id = ''] = match;
    return { number, arn, region, account, id };
  });
  const [first] = parsed;
  const state = smsVoiceResponder(
    first === undefined ? {} : { region: first.region, account: first.account }
  );
  for (const { number, arn, id } of parsed) {
    const added = state.addPhoneNumber(number, { PhoneNumberId: id });
    if (added.PhoneNumberArn !== arn) {
      throw new Error(
        `${arn} is not in the region and account of ${first?.arn}; the local End User Messaging holds one of each`
      );
    }
  }
  return state;
};
