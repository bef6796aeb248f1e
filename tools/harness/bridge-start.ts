import type { Context } from 'aws-lambda';
import {
  awsError,
  type LocalEndpoint,
  startLocalEndpoint,
} from '../local-aws/endpoint';
import type { Exchange, ScriptedResponder } from '../local-aws/scripted';
import {
  type SqsResponderOptions,
  type StoredMessage,
  sqsResponder,
} from '../local-aws/sqs';
import { startDynalite } from './dynalite';
import { fakeContext } from './lambda-context';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import { loadFreshModule, nodeProcess, setEnvironment } from './node-realm';
import {
  definedValues,
  endpointVariables,
  type LocalEndpoints,
  sandboxedAws,
} from './sandbox';
import { type BridgeFunction, resolveVariables } from './synth';

/** The local SQS: its wire log and the messages of each queue. */
export type LocalSqs = Pick<LocalEndpoint, 'url' | 'requests'> &
  Pick<
    ReturnType<typeof sqsResponder>,
    'messages' | 'queue' | 'visibilityChanges'
  >;

/** A local AWS service: its wire log and what it is told to answer. */
export type LocalService = LocalEndpoint & ScriptedResponder;

/** The services a stack may serve, by their `AWS_ENDPOINT_URL_` suffix. */
const ENDPOINTS = {
  connect: 'CONNECT',
  participant: 'CONNECTPARTICIPANT',
  smsVoice: 'PINPOINT_SMS_VOICE_V2',
} as const;

/** One call on the wire of a served service, and its answer. */
export interface WireExchange extends Exchange {
  readonly service: keyof typeof ENDPOINTS;
}

/** A line a bundle wrote, and the name of the function that was running. */
export interface BundleLogLine extends CapturedLine {
  readonly fn: string;
}

export interface LocalStackOptions {
  /**
   * More environment for every bundle, over its own (`AWS_MAX_ATTEMPTS`,
   * a changed function variable); `undefined` removes a variable.
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default - lines are captured and still written to the streams */
  readonly logs?: LogCaptureOptions;
  /** How the local SQS takes visibility changes. @default - it takes all */
  readonly sqs?: SqsResponderOptions;
}

/** Local services on 127.0.0.1 and the bundles loaded against them. */
export interface LocalStack {
  readonly sqs: LocalSqs;
  /** Answers any other AWS service with an error, so none is reached. */
  readonly otherServices: LocalEndpoint;
  readonly dynamoDbUrl: string;
  /** The DynamoDB operations called so far (`PutItem`), setup included. */
  readonly dynamoDbCalls: readonly string[];
  /** The calls of the served services, in the order they were answered. */
  readonly wire: readonly WireExchange[];
  /** What the bundles wrote to stdout and stderr, line by line. */
  readonly logs: readonly BundleLogLine[];
  /** A queue of the stack by name (`DeadLetterQueue`): its URL. */
  queueUrlOf(name: string): string;
  deadLettersOf(name: string): readonly StoredMessage[];
  /** Starts a local service answering with `script`. */
  serve(
    service: WireExchange['service'],
    script: ScriptedResponder
  ): Promise<LocalService>;
  /**
   * Loads a function's bundle afresh, as a new execution environment would,
   * as `name`, with its template's variables (`locals` for the references)
   * and every service pointed at the stack; `endpoints` adds services.
   * Functions share Node's environment, so they run one at a time.
   */
  load<Event, Result>(
    fn: BridgeFunction,
    name: string,
    locals?: Readonly<Record<string, string>>,
    endpoints?: LocalEndpoints
  ): Promise<(event: Event) => Promise<Result>>;
  close(): Promise<void>;
}

const OPEN = Symbol.for('sms-connect-bridge.local-bridge.open');

/**
 * Starts SQS, dynalite and a catch-all for every other service, and runs
 * `start` with them; a start that fails is undone before its error goes on.
 * Bundles read Node's environment, so one stack may be open at a time.
 */
export const openLocalStack = async <T>(
  options: LocalStackOptions,
  start: (stack: LocalStack) => Promise<T>
): Promise<T> => {
  const registry = nodeProcess as unknown as Record<symbol, boolean>;
  if (registry[OPEN]) {
    throw new Error('a local bridge is already open; close it first');
  }
  registry[OPEN] = true;
  const saved = { ...nodeProcess.env };
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
    const added = Object.keys(nodeProcess.env).filter(
      (name) => !(name in saved)
    );
    setEnvironment({
      ...Object.fromEntries(added.map((name) => [name, undefined])),
      ...saved,
    });
    registry[OPEN] = false;
  };
  const started = async <E extends { close(): Promise<void> }>(
    endpoint: Promise<E>
  ) => {
    const opened = await endpoint;
    closers.push(opened.close);
    return opened;
  };
  try {
    const sqs = sqsResponder(options.sqs);
    const sqsEndpoint = await started(startLocalEndpoint(sqs.respond));
    const otherServices = await started(
      startLocalEndpoint(() =>
        awsError(400, 'UnrecognizedClientException', 'not a local service')
      )
    );
    const dynamoDbCalls: string[] = [];
    const dynamoDb = await started(
      startDynalite({
        onRequest: ({ headers }) => {
          dynamoDbCalls.push(
            String(headers['x-amz-target']).split('.')[1] ?? ''
          );
        },
      })
    );
    const served: Record<string, string> = {
      SQS: sqsEndpoint.url,
      DYNAMODB: dynamoDb.url,
    };
    const wire: WireExchange[] = [];
    const logs: BundleLogLine[] = [];
    const environments = new Map<string, Record<string, string | undefined>>();
    let current = '';
    let running = 0;
    const capture = captureLogs({
      ...options.logs,
      onLine: (line) => {
        logs.push({ ...line, fn: current });
        options.logs?.onLine?.(line);
      },
    });
    /** Runs `work` as function `name`, with its environment. */
    const as = async <T>(name: string, work: () => Promise<T> | T) => {
      if (running > 0 && current !== name) {
        throw new Error(
          `${current} is still running; ${name} must wait for it`
        );
      }
      if (current !== name) {
        // Every variable of any function, so a switch removes another's.
        const names = [...environments.values()].flatMap(Object.keys);
        setEnvironment({
          ...Object.fromEntries(names.map((each) => [each, undefined])),
          ...environments.get(name),
        });
        current = name;
      }
      running++;
      try {
        return await capture.during(work);
      } finally {
        running--;
      }
    };
    const queueUrlOf = (name: string) =>
      `${sqsEndpoint.url}/111122223333/SmsConnectBridge-${name}`;

    return await start({
      sqs: { ...sqsEndpoint, ...sqs },
      otherServices,
      dynamoDbUrl: dynamoDb.url,
      dynamoDbCalls,
      wire,
      logs,
      queueUrlOf,
      deadLettersOf: (name) => sqs.messages(queueUrlOf(name)),
      serve: async (service, script) => {
        const endpoint = await started(
          startLocalEndpoint(async (request) => {
            const reply = await script.respond(request);
            wire.push({ service, request, reply });
            return reply;
          })
        );
        served[ENDPOINTS[service]] = endpoint.url;
        return { ...script, ...endpoint };
      },
      load: async (fn, name, locals = {}, endpoints = {}) => {
        const { NODE_OPTIONS: _setsUpThisProcess, ...variables } =
          resolveVariables(fn.variables, {
            ...locals,
            ...definedValues(options.environment ?? {}),
          });
        environments.set(name, {
          ...sandboxedAws(fn.region, name),
          ...endpointVariables(otherServices.url, { ...served, ...endpoints }),
          ...variables,
          ...options.environment,
        });
        current = '';
        const handler = await loadHandler<
          (event: unknown, context: Context) => Promise<unknown>
        >(fn, (work) => as(name, work));
        return (event) =>
          as(name, () => handler(event, invocationContext(fn, name))) as never;
      },
      close,
    });
  } catch (error) {
    await close();
    throw error;
  }
};

/**
 * Loads a function's bundle afresh and returns the handler it exports;
 * `during` runs the loading (to capture its logs, or in its environment).
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

/** A fresh context for one invocation of the function. */
export const invocationContext = (
  fn: BridgeFunction,
  functionName: string | undefined
): Context =>
  fakeContext({
    functionName,
    region: fn.region,
    timeoutSeconds: fn.timeoutSeconds,
  });
