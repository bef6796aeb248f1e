import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/inbound-sms/config';
import { connectResponder } from '../local-aws/connect';
import {
  awsError,
  type LocalEndpoint,
  type RecordedRequest,
  startLocalEndpoint,
} from '../local-aws/endpoint';
import {
  type Exchange,
  type ScriptedResponder,
  scriptedResponder,
} from '../local-aws/scripted';
import { type StoredMessage, sqsResponder } from '../local-aws/sqs';
import { createIdempotencyTable, startDynalite } from './dynalite';
import { fakeContext } from './lambda-context';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import { loadFreshModule, setEnvironment } from './node-realm';
import { claimEnvironment, definedValues, sandboxedAws } from './sandbox';
import { type InboundFunction, resolveVariables } from './synth';

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
}

export type Handler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/** The local Amazon Connect: its wire log and what it is told to answer. */
export interface LocalConnect
  extends Pick<ScriptedResponder, 'queue' | 'always'> {
  readonly url: string;
  /** Every request on the wire, retries included. */
  readonly requests: readonly RecordedRequest[];
  readonly exchanges: readonly Exchange[];
  /**
   * The bodies of the chat integration events Connect took, in order,
   * including any whose answer a script dropped or delayed.
   */
  accepted(): Record<string, unknown>[];
}

export interface LocalBridge {
  readonly connect: LocalConnect;
  readonly sqs: {
    readonly url: string;
    readonly requests: readonly RecordedRequest[];
    messages(queueUrl: string): readonly StoredMessage[];
  };
  readonly dynamoDbUrl: string;
  /** Answers any other AWS service with an error, so none is reached. */
  readonly otherServices: LocalEndpoint;
  readonly deadLetterQueueUrl: string;
  readonly tableName: string;
  /** The function's environment as the bundle got it. */
  readonly variables: Readonly<Record<string, string>>;
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
export const startLocalBridge = async (
  options: LocalBridgeOptions
): Promise<LocalBridge> => {
  const closers: (() => Promise<void> | void)[] = [claimEnvironment()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    return await start(options, closers, close);
  } catch (error) {
    await close();
    throw error;
  }
};

const start = async (
  { fn, environment = {}, logs: logOptions }: LocalBridgeOptions,
  closers: (() => Promise<void> | void)[],
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
  const sqs = sqsResponder();
  const sqsEndpoint = await startLocalEndpoint(sqs.respond);
  closers.push(sqsEndpoint.close);
  const otherServices = await startLocalEndpoint(() =>
    awsError(400, 'UnrecognizedClientException', 'not a local service')
  );
  closers.push(otherServices.close);
  const dynamoDb = await startDynalite();
  closers.push(dynamoDb.close);

  const deadLetterQueueUrl = `${sqsEndpoint.url}/${ACCOUNT}/SmsConnectBridge-DeadLetterQueue`;
  const tableName = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamoDb.url, tableName);

  // NODE_OPTIONS configures the runtime, which is this process already.
  const { NODE_OPTIONS: _runtimeOnly, ...variables } = resolveVariables(
    fn.variables,
    {
      [ENV.deadLetterQueueUrl]: deadLetterQueueUrl,
      [ENV.idempotencyTableName]: tableName,
      ...definedValues(environment),
    }
  );
  const functionEnvironment = { ...variables, ...environment };
  closers.push(
    setEnvironment({
      ...sandboxedAws(fn.region, FUNCTION_NAME),
      AWS_ENDPOINT_URL: otherServices.url,
      AWS_ENDPOINT_URL_CONNECT: connectEndpoint.url,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
      ...functionEnvironment,
    })
  );

  const capture = captureLogs(logOptions);
  const exported = await capture.during(
    () => loadFreshModule(fn.entry) as Record<string, unknown>
  );
  const handler = exported[fn.handlerName];
  if (typeof handler !== 'function') {
    throw new Error(`${fn.entry} exports no function ${fn.handlerName}`);
  }

  const invoke = (event: SQSEvent | SNSEvent) =>
    capture.during(() =>
      (handler as Handler)(
        event,
        fakeContext({
          functionName: FUNCTION_NAME,
          region: fn.region,
          timeoutSeconds: fn.timeoutSeconds,
        })
      )
    );

  return {
    connect: {
      url: connectEndpoint.url,
      requests: connectEndpoint.requests,
      exchanges: connect.exchanges,
      queue: connect.queue,
      always: connect.always,
      accepted: () => [...accepted],
    },
    sqs: {
      url: sqsEndpoint.url,
      requests: sqsEndpoint.requests,
      messages: sqs.messages,
    },
    dynamoDbUrl: dynamoDb.url,
    otherServices,
    deadLetterQueueUrl,
    tableName,
    variables: definedValues(functionEnvironment),
    logs: capture.lines,
    deadLetters: () => sqs.messages(deadLetterQueueUrl),
    invoke: invoke as LocalBridge['invoke'],
    close,
  };
};
