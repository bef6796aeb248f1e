import type { Context } from 'aws-lambda';
import {
  awsError,
  operationOf,
  type Responder,
  startLocalEndpoint,
} from '../local-aws/endpoint';
import { type Exchange, scriptedResponder } from '../local-aws/scripted';
import { type SqsResponderOptions, sqsResponder } from '../local-aws/sqs';
import { startDynalite } from './dynalite';
import { fakeContext } from './lambda-context';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import {
  definedValues,
  endpointVariables,
  type LocalEndpoints,
  loadFreshModule,
  nodeProcess,
  sandboxedAws,
  setEnvironment,
} from './sandbox';
import { type InboundFunction, resolveVariables } from './synth';

export interface LocalStackOptions {
  readonly environment?: Readonly<Record<string, string | undefined>>;
  readonly logs?: LogCaptureOptions;
  readonly sqs?: SqsResponderOptions;
}

const ENDPOINTS = {
  connect: 'CONNECT',
  participant: 'CONNECTPARTICIPANT',
  smsVoice: 'PINPOINT_SMS_VOICE_V2',
};
type Closer = () => Promise<void>;

/** SQS, dynalite and a catch-all that fails any other service, on 127.0.0.1. */
const startServices = async (
  { environment = {}, ...options }: LocalStackOptions,
  closers: Closer[]
) => {
  const started = async <E extends { close: Closer }>(endpoint: Promise<E>) => {
    closers.push((await endpoint).close);
    return endpoint;
  };
  const sqs = sqsResponder(options.sqs);
  const sqsScript = scriptedResponder(sqs.respond);
  const sqsEndpoint = await started(startLocalEndpoint(sqsScript.respond));
  const otherServices = await started(
    startLocalEndpoint(() =>
      awsError(400, 'UnrecognizedClientException', 'not a local service')
    )
  );
  const dynamoDbCalls: string[] = [];
  const dynamoDb = await started(
    startDynalite({
      onRequest: (request) => dynamoDbCalls.push(operationOf(request)),
    })
  );
  const served = { SQS: sqsEndpoint.url, DYNAMODB: dynamoDb.url };
  const wire: (Exchange & { service: keyof typeof ENDPOINTS })[] = [];
  const logs: (CapturedLine & { fn: string })[] = [];
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
  /** Runs `work` as function `name`, in its environment: one function at a time. */
  const as = async <T>(name: string, work: () => Promise<T> | T) => {
    if (running > 0 && current !== name)
      throw new Error(`${current} is still running; ${name} must wait`);
    if (current !== name) {
      // Every variable of every function, so a switch removes another's.
      const names = [...environments.values()].flatMap(Object.keys);
      setEnvironment({
        ...Object.fromEntries(names.map((each) => [each, undefined])),
        ...environments.get(name),
      });
      current = name;
    }
    running++;
    return capture.during(work).finally(() => running--);
  };
  const queueUrlOf = (name: string) =>
    `${sqsEndpoint.url}/111122223333/SmsConnectBridge-${name}`;

  return {
    sqs: { ...sqsEndpoint, ...sqs, always: sqsScript.always },
    otherServices,
    dynamoDbUrl: dynamoDb.url,
    dynamoDbCalls: dynamoDbCalls as readonly string[],
    wire: wire as readonly (typeof wire)[number][],
    logs: logs as readonly (typeof logs)[number][],
    queueUrlOf,
    deadLettersOf: (name: string) => sqs.messages(queueUrlOf(name)),
    serve: async (service: keyof typeof ENDPOINTS, responder: Responder) => {
      const script = scriptedResponder(responder);
      const endpoint = await started(
        startLocalEndpoint(async (request) => {
          const reply = await script.respond(request);
          wire.push({ service, request, reply });
          return reply;
        })
      );
      Object.assign(served, { [ENDPOINTS[service]]: endpoint.url });
      return { ...script, ...endpoint };
    },
    /** Loads a bundle afresh as function `name`: `locals` resolve references. */
    load: async <Event = unknown, Result = unknown>(
      fn: InboundFunction,
      name: string,
      locals: Readonly<Record<string, string>> = {},
      endpoints: LocalEndpoints = {}
    ): Promise<(event: Event) => Promise<Result>> => {
      const { NODE_OPTIONS: _setsUpThisProcess, ...variables } =
        resolveVariables(fn.variables, {
          ...locals,
          ...definedValues(environment),
        });
      environments.set(name, {
        ...sandboxedAws(fn.region, name),
        ...endpointVariables(otherServices.url, { ...served, ...endpoints }),
        ...variables,
        ...environment,
      });
      current = '';
      type Handler = (event: Event, context: Context) => Promise<Result>;
      const handler = await loadHandler<Handler>(fn, (work) => as(name, work));
      return (event) =>
        as(name, () =>
          handler(event, fakeContext({ ...fn, functionName: name }))
        );
    },
  };
};

export type LocalStack = Awaited<ReturnType<typeof startServices>> & {
  close: Closer;
};

// On Node's own process, so a stack a test file left open stops the next one.
const OPEN = Symbol.for('sms-connect-bridge.local-bridge.open');

/** Bundles read Node's environment, so one stack is open at a time; `close` restores it. */
export const openLocalStack = async <T>(
  options: LocalStackOptions,
  start: (stack: LocalStack) => Promise<T>
): Promise<T> => {
  const claim = nodeProcess as { [OPEN]?: boolean };
  if (claim[OPEN]) throw new Error('a local bridge is open; close it first');
  claim[OPEN] = true;
  const { env } = nodeProcess;
  const saved = { ...env };
  const closers: Closer[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
    for (const name of Object.keys(env)) if (!(name in saved)) delete env[name];
    Object.assign(env, saved);
    claim[OPEN] = false;
  };
  try {
    return await start({ ...(await startServices(options, closers)), close });
  } catch (error) {
    await close();
    throw error;
  }
};

export const loadHandler = async <Handler>(
  fn: InboundFunction,
  during: (work: () => unknown) => Promise<unknown>
): Promise<Handler> => {
  const bundle = await during(() => loadFreshModule(fn.entry));
  const handler = (bundle as Record<string, Handler>)[fn.handlerName];
  if (typeof handler !== 'function')
    throw new Error(`${fn.entry} exports no function ${fn.handlerName}`);
  return handler;
};
