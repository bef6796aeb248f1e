import { tmpdir } from 'node:os';
import * as path from 'node:path';
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
import { loadFreshModule, nodeProcess, setEnvironment } from './node-realm';
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

const OPEN = Symbol.for('sms-connect-bridge.local-bridge.open');

/**
 * Starts what the inbound bundle talks to on 127.0.0.1 (Connect, SQS,
 * DynamoDB through dynalite with the idempotency table), points the AWS SDK
 * at them through the environment, and loads the bundle afresh. The
 * environment is the process's, so one bridge may be open at a time.
 */
export const startLocalBridge = async (
  options: LocalBridgeOptions
): Promise<LocalBridge> => {
  const registry = nodeProcess as unknown as Record<symbol, unknown>;
  if (registry[OPEN]) {
    throw new Error('a local bridge is already open; close it first');
  }
  registry[OPEN] = true;
  const closers: (() => Promise<void> | void)[] = [
    () => {
      registry[OPEN] = false;
    },
  ];
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
      ...sandboxedAws(fn.region),
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

const definedValues = (
  variables: Readonly<Record<string, string | undefined>>
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).filter(
      (entry): entry is [string, string] => entry[1] !== undefined
    )
  );

/**
 * What the Lambda runtime would give, with fake credentials and no reading
 * of the user's AWS configuration: nothing may reach a real AWS account.
 */
const sandboxedAws = (region: string): Record<string, string | undefined> => {
  const nowhere = path.join(tmpdir(), 'sms-connect-bridge-no-aws-config');
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'local-session-token',
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    // Lambda runs the function on Node 24; the local Node may be older.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_DEV: undefined,
    POWERTOOLS_IDEMPOTENCY_DISABLED: undefined,
  };
};
