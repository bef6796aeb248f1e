import type { Context } from 'aws-lambda';
import {
  awsError,
  type LocalEndpoint,
  type RecordedRequest,
  startLocalEndpoint,
} from '../local-aws/endpoint';
import type { Exchange, ScriptedResponder } from '../local-aws/scripted';
import {
  type Queue,
  type QueueOptions,
  type SqsResponderOptions,
  type StoredMessage,
  sqsResponder,
  type VisibilityChange,
} from '../local-aws/sqs';
import { type LocalDynamoDb, startDynalite } from './dynalite';
import { fakeContext } from './lambda-context';
import { loadFreshModule } from './node-realm';
import {
  claimEnvironment,
  definedValues,
  endpointVariables,
  type LocalEndpoints,
  sandboxedAws,
} from './sandbox';
import { type BridgeFunction, resolveVariables } from './synth';

/** What a bridge has opened, undone last first. */
export type Closers = (() => Promise<void> | void)[];

/**
 * Claims Node's environment for a bridge and runs `start`, which adds to
 * `closers` whatever it opens; `close` undoes all of it, and a start that
 * fails is undone before its error goes on.
 */
export const openBridge = async <T>(
  start: (closers: Closers, close: () => Promise<void>) => Promise<T>
): Promise<T> => {
  const closers: Closers = [claimEnvironment()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    return await start(closers, close);
  } catch (error) {
    await close();
    throw error;
  }
};

/** The local SQS: its wire log and the messages of each queue. */
export interface LocalSqs {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  messages(queueUrl: string): readonly StoredMessage[];
  /** The model behind a queue URL; `options` (re)creates it. */
  queue(queueUrl: string, options?: QueueOptions): Queue;
  /** The visibility changes SQS took for a queue, in order. */
  visibilityChanges(queueUrl: string): readonly VisibilityChange[];
}

/** A local AWS service: its wire log and what it is told to answer. */
export interface LocalService
  extends Pick<ScriptedResponder, 'queue' | 'always'> {
  readonly url: string;
  /** Every request on the wire, retries included. */
  readonly requests: readonly RecordedRequest[];
  readonly exchanges: readonly Exchange[];
}

/** The service an endpoint answers with a script. */
export const localService = (
  endpoint: LocalEndpoint,
  script: ScriptedResponder
): LocalService => ({
  url: endpoint.url,
  requests: endpoint.requests,
  exchanges: script.exchanges,
  queue: script.queue,
  always: script.always,
});

/** What every bridge runs beside the services of its mode. */
export interface BaseServices {
  readonly sqs: LocalSqs;
  /** Answers any other AWS service with an error, so none is reached. */
  readonly otherServices: LocalEndpoint;
  readonly dynamoDb: LocalDynamoDb;
  /** The DynamoDB operations dynalite was asked for (`PutItem`), in order. */
  readonly dynamoDbCalls: readonly string[];
}

/** Starts SQS, the catch-all endpoint and dynalite on 127.0.0.1. */
export const startBaseServices = async (
  closers: Closers,
  sqsOptions: SqsResponderOptions = {}
): Promise<BaseServices> => {
  const sqs = sqsResponder(sqsOptions);
  const sqsEndpoint = await startLocalEndpoint(sqs.respond);
  closers.push(sqsEndpoint.close);
  const otherServices = await startLocalEndpoint(() =>
    awsError(400, 'UnrecognizedClientException', 'not a local service')
  );
  closers.push(otherServices.close);
  const dynamoDbCalls: string[] = [];
  const dynamoDb = await startDynalite({
    onRequest: ({ headers }) => {
      dynamoDbCalls.push(String(headers['x-amz-target']).split('.')[1] ?? '');
    },
  });
  closers.push(dynamoDb.close);
  return {
    sqs: {
      url: sqsEndpoint.url,
      requests: sqsEndpoint.requests,
      messages: sqs.messages,
      queue: sqs.queue,
      visibilityChanges: sqs.visibilityChanges,
    },
    otherServices,
    dynamoDb,
    dynamoDbCalls,
  };
};

/**
 * A function's whole environment beside local services: what the Lambda
 * runtime sets, the SDK's endpoints (every other service to
 * `otherServices`), the template's variables with `local` values for
 * their references, then `environment` over all of it.
 */
export const functionEnvironment = (
  fn: BridgeFunction,
  functionName: string,
  services: {
    readonly otherServices: string;
    readonly endpoints: LocalEndpoints;
  },
  local: Readonly<Record<string, string>> = {},
  environment: Readonly<Record<string, string | undefined>> = {}
): Record<string, string | undefined> => ({
  ...sandboxedAws(fn.region, functionName),
  ...endpointVariables(services.otherServices, services.endpoints),
  ...templateVariables(fn, { ...local, ...definedValues(environment) }),
  ...environment,
});

/** The template's variables but NODE_OPTIONS, which set up this process. */
const templateVariables = (
  fn: BridgeFunction,
  local: Readonly<Record<string, string>>
): Record<string, string> => {
  const { NODE_OPTIONS: _runtimeOnly, ...variables } = resolveVariables(
    fn.variables,
    local
  );
  return variables;
};

/**
 * Loads a function's bundle afresh, as a new execution environment would,
 * and returns the handler it exports; `during` runs the loading (to capture
 * its logs, or with the function's environment).
 */
export const loadHandler = async <Handler>(
  fn: BridgeFunction,
  during: (work: () => unknown) => Promise<unknown>
): Promise<Handler> => {
  const exported = (await during(() => loadFreshModule(fn.entry))) as
    | Record<string, unknown>
    | undefined;
  const handler = exported?.[fn.handlerName];
  if (typeof handler !== 'function') {
    throw new Error(`${fn.entry} exports no function ${fn.handlerName}`);
  }
  return handler as Handler;
};

/**
 * Loads a function's bundle with `during` and returns how to invoke it as
 * Lambda would: each event in `during`, with a fresh context.
 */
export const loadFunction = async <Event, Result>(
  fn: BridgeFunction,
  functionName: string,
  during: <T>(work: () => Promise<T> | T) => Promise<T>
): Promise<(event: Event) => Promise<Result>> => {
  const handler = await loadHandler<
    (event: Event, context: Context) => Promise<Result>
  >(fn, during);
  return (event) =>
    during(() => handler(event, invocationContext(fn, functionName)));
};

/** A fresh context for one invocation of the function. */
export const invocationContext = (
  fn: BridgeFunction,
  /** `undefined`: fakeContext's default name */
  functionName: string | undefined
): Context =>
  fakeContext({
    functionName,
    region: fn.region,
    timeoutSeconds: fn.timeoutSeconds,
  });
