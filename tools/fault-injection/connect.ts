import {
  awsError,
  type RecordedRequest,
  type Reply,
  type Responder,
} from '../local-aws/endpoint';
import { hashedUnit } from '../local-aws/random';

/** Faults or a quota in front of Connect, on the simulated clock. */
export type ConnectScript = (
  request: RecordedRequest,
  next: Responder,
  now: number
) => Reply | undefined | Promise<Reply | undefined>;

/** An SMS's text (each generated one is unique), or the chat an opt-out ends. */
export const connectKeyOf = (request: unknown): string => {
  const { SourceId, DestinationId, Event, Content, InitialMessage } =
    (request ?? {}) as Record<string, { Type?: unknown; Content?: unknown }>;
  return Event?.Type === 'DISCONNECT'
    ? disconnectKey(String(SourceId), String(DestinationId))
    : messageKey(String(Event?.Content ?? Content ?? InitialMessage?.Content));
};

export const messageKey = (content: string) => `MESSAGE ${content}`;

export const disconnectKey = (customer: string, destination: string) =>
  `DISCONNECT ${customer} ${destination}`;

// StartChatContact, StartContactStreaming, CreateParticipantConnection, SendMessage
const CHAT_ROUTES = [
  '/contact/chat',
  '/contact/start-streaming',
  '/participant/connection',
  '/participant/message',
];

export const chatRouteOf = ({ path }: RecordedRequest) =>
  CHAT_ROUTES.includes(path) ? path : undefined;

/** A `drop-after` doubles the text: `SendChatIntegrationEvent` has no client token. */
export const FAULT_KINDS = [
  'throttle',
  'server-error',
  'drop-before',
  'slow',
  'drop-after',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const HELD_TO = FAULT_KINDS.filter((kind) => kind !== 'drop-after');

const ERRORS = {
  throttle: awsError(429, 'ThrottlingException', 'Rate exceeded'),
  'server-error': awsError(500, 'InternalServiceException', 'Internal error'),
};

export type FaultOf = (key: string, attempt: number) => FaultKind | undefined;

/** `schedule[key][attempt]`, as properties shrink it. */
export type FaultSchedule = Readonly<
  Record<string, readonly (FaultKind | null)[]>
>;

export const scheduledFaults =
  (schedule: FaultSchedule): FaultOf =>
  (key, attempt) =>
    schedule[key]?.[attempt] ?? undefined;

/** Hashed from the seed, key and attempt: the same whatever the interleaving. */
export const randomFaults =
  (seed: number, rate: number, kinds: readonly FaultKind[]): FaultOf =>
  (key, attempt) =>
    hashedUnit(seed, 'fault?', key, attempt) < rate
      ? kinds[Math.floor(hashedUnit(seed, 'kind', key, attempt) * kinds.length)]
      : undefined;

export const connectFaults = (
  faultOf: FaultOf,
  options: {
    readonly seed?: number;
    readonly slowMs?: readonly [number, number];
    /** What a call counts as; `undefined` lets it through. */
    readonly keyOf?: (request: RecordedRequest) => string | undefined;
  } = {}
) => {
  // Within the client's 6 s request timeout.
  const [min, max] = options.slowMs ?? [50, 1500];
  const keyOf = options.keyOf ?? ((request) => connectKeyOf(request.json));
  const attempts = new Map<string, number>();
  const met = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, 0]));
  let calls = 0;
  const droppedAfter: string[] = [];

  const script = async (request: RecordedRequest, next: Responder) => {
    const key = keyOf(request);
    if (key === undefined) return undefined;
    calls++;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const kind = faultOf(key, attempt);
    if (kind === undefined) return undefined;
    met.set(kind, (met.get(kind) ?? 0) + 1);
    if (kind === 'throttle' || kind === 'server-error') return ERRORS[kind];
    if (kind === 'drop-before') return { drop: true } as const;
    const reply = await next(request);
    if (kind === 'drop-after') {
      if ('status' in reply && reply.status < 300) droppedAfter.push(key);
      return { drop: true } as const;
    }
    const late = hashedUnit(options.seed ?? 0, 'delay', key, attempt);
    const delayMs = Math.round(min + late * (max - min));
    return 'drop' in reply ? reply : { ...reply, delayMs };
  };

  const figures = () => ({
    calls,
    injected: [...met.values()].reduce((a, b) => a + b),
    ...Object.fromEntries(met),
    processedThenDropped: droppedAfter.length,
  });
  return { script, figures, droppedAfter };
};

/**
 * Connect's API throttling: a token bucket per API (path), full at the
 * start; an empty one answers 429 `ThrottlingException`, "defined for each
 * API separately at the AWS account level"
 * (https://docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html;
 * quotas: https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 * How the burst refills is not documented: a token bucket, with the 5:2
 * burst to rate of the historic default ("a RateLimit of 2 per second,
 * and a BurstLimit of 5 per second").
 */
export const connectQuota = (
  ratePerSecond: number,
  burst = Math.ceil(2.5 * ratePerSecond)
) => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const figures = { calls: 0, throttled: 0 };
  const script: ConnectScript = ({ path }, _next, now) => {
    figures.calls++;
    const last = buckets.get(path) ?? { tokens: burst, at: now };
    const refill = ((now - last.at) / 1000) * ratePerSecond;
    const tokens = Math.min(burst, last.tokens + refill);
    buckets.set(path, { tokens: tokens >= 1 ? tokens - 1 : tokens, at: now });
    if (tokens >= 1) return undefined;
    figures.throttled++;
    return ERRORS.throttle;
  };
  return { script, burst, figures };
};
