import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import { connectResponder } from '../local-aws/connect';
import { type LocalEndpoint, startLocalEndpoint } from '../local-aws/endpoint';
import { scriptedResponder } from '../local-aws/scripted';
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
import { createIdempotencyTable } from './dynalite';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import { setEnvironment } from './node-realm';
import type { InboundFunction } from './synth';

const ACCOUNT = '111122223333';
const FUNCTION_NAME = 'SmsConnectBridge-Function';

export interface LocalBridgeOptions {
  /** The synthesized function whose bundle runs. */
  readonly fn: InboundFunction;
  /**
   * More environment for the bundle, over the function's own: an SDK
   * setting (`AWS_MAX_ATTEMPTS`) or a changed function variable.
   * `undefined` removes a variable.
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default - lines are captured and still written to the streams */
  readonly logs?: LogCaptureOptions;
  /** How the local SQS takes visibility changes. @default - it takes all */
  readonly sqs?: SqsResponderOptions;
}

export type Handler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/** The local Amazon Connect: its wire log and what it is told to answer. */
export interface LocalConnect extends LocalService {
  /**
   * The bodies of the chat integration events Connect took, in order,
   * including any whose answer a script dropped or delayed.
   */
  accepted(): Record<string, unknown>[];
}

export interface LocalBridge {
  readonly connect: LocalConnect;
  readonly sqs: LocalSqs;
  readonly dynamoDbUrl: string;
  /** The DynamoDB operations called so far, harness setup included. */
  readonly dynamoDbCalls: readonly string[];
  /** Answers any other AWS service with an error, so none is reached. */
  readonly otherServices: LocalEndpoint;
  /** The queue that feeds the function (`QUEUE_URL`). */
  readonly queueUrl: string;
  readonly tableName: string;
  /** What the bundle wrote to stdout and stderr, line by line. */
  readonly logs: readonly CapturedLine[];
  /** The messages the bundle put in the dead-letter queue. */
  deadLetters(): readonly StoredMessage[];
  /** Runs the handler as Lambda would, with a fresh context. */
  invoke(event: SQSEvent): Promise<SQSBatchResponse>;
  invoke(event: SNSEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts what the inbound bundle talks to on 127.0.0.1 (Connect, SQS,
 * DynamoDB through dynalite with the idempotency table), points the AWS SDK
 * at them through the environment, and loads the bundle afresh. The
 * environment is the process's, so one bridge may be open at a time.
 */
export const startLocalBridge = (
  options: LocalBridgeOptions
): Promise<LocalBridge> =>
  openBridge((closers, close) => start(options, closers, close));

const start = async (
  {
    fn,
    environment = {},
    logs: logOptions,
    sqs: sqsOptions,
  }: LocalBridgeOptions,
  closers: Closers,
  close: () => Promise<void>
): Promise<LocalBridge> => {
  // Recorded where Connect answers, so a reply a script then drops or
  // delays still counts: Connect took the event even if the caller never
  // heard back.
  const accepted: Record<string, unknown>[] = [];
  const connectService = connectResponder();
  const connect = scriptedResponder((request) => {
    const reply = connectService(request);
    if ('status' in reply && reply.status >= 200 && reply.status < 300) {
      accepted.push(request.json as Record<string, unknown>);
    }
    return reply;
  });
  const connectEndpoint = await startLocalEndpoint(connect.respond);
  closers.push(connectEndpoint.close);
  const { sqs, otherServices, dynamoDb, dynamoDbCalls } =
    await startBaseServices(closers, sqsOptions);

  const deadLetterQueueUrl = `${sqs.url}/${ACCOUNT}/SmsConnectBridge-DeadLetterQueue`;
  const queueUrl = `${sqs.url}/${ACCOUNT}/SmsConnectBridge-Queue`;
  const tableName = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamoDb.url, tableName);

  closers.push(
    setEnvironment(
      functionEnvironment(
        fn,
        FUNCTION_NAME,
        {
          otherServices: otherServices.url,
          endpoints: {
            CONNECT: connectEndpoint.url,
            SQS: sqs.url,
            DYNAMODB: dynamoDb.url,
          },
        },
        {
          [ENV.deadLetterQueueUrl]: deadLetterQueueUrl,
          [ENV.queueUrl]: queueUrl,
          [ENV.idempotencyTableName]: tableName,
        },
        environment
      )
    )
  );
  const capture = captureLogs(logOptions);
  const invoke = await loadFunction<
    SQSEvent | SNSEvent,
    SQSBatchResponse | undefined
  >(fn, FUNCTION_NAME, capture.during);

  return {
    connect: {
      ...localService(connectEndpoint, connect),
      accepted: () => [...accepted],
    },
    sqs,
    dynamoDbUrl: dynamoDb.url,
    dynamoDbCalls,
    otherServices,
    queueUrl,
    tableName,
    logs: capture.lines,
    deadLetters: () => sqs.messages(deadLetterQueueUrl),
    invoke: invoke as LocalBridge['invoke'],
    close,
  };
};
