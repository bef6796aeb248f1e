import {
  awsError,
  type RecordedRequest,
  type Reply,
  type Responder,
} from '../local-aws/endpoint';
import { hashedUnit, weightedPick } from '../local-aws/random';

/** What a run puts in front of Connect; `now` is the simulated clock. */
export type ConnectScript = (
  request: RecordedRequest,
  next: Responder,
  now: number
) => Reply | undefined | Promise<Reply | undefined>;

/**
 * What identifies one SMS in a `SendChatIntegrationEvent` request, which
 * carries no `inboundMessageId`: its text (each generated text is unique),
 * or for a disconnect the chat it ends (a customer opts out once at most).
 */
export const connectKeyOf = (request: unknown): string => {
  const body = request as {
    SourceId?: unknown;
    DestinationId?: unknown;
    Event?: { Type?: unknown; Content?: unknown };
  } | null;
  return body?.Event?.Type === 'DISCONNECT'
    ? disconnectKey(String(body.SourceId), String(body.DestinationId))
    : messageKey(String(body?.Event?.Content));
};

export const messageKey = (content: string) => `MESSAGE ${content}`;

export const disconnectKey = (customer: string, destination: string) =>
  `DISCONNECT ${customer} ${destination}`;

const CHAT_ROUTES: Readonly<Record<string, string>> = {
  '/contact/chat': 'StartChatContact',
  '/contact/start-streaming': 'StartContactStreaming',
  '/participant/connection': 'CreateParticipantConnection',
  '/participant/message': 'SendMessage',
};

/** Participant mode's chat call, each call of it an attempt (schedules). */
export const chatRouteOf = (request: RecordedRequest) =>
  CHAT_ROUTES[request.path];

/**
 * The attempts of one participant-mode call: its client token, or for a
 * connection (which has none) the participant token it is made with.
 */
export const chatCallKeyOf = (request: RecordedRequest) => {
  const route = chatRouteOf(request);
  if (route === undefined) return undefined;
  const token =
    route === 'CreateParticipantConnection'
      ? request.headers['x-amz-bearer']
      : (request.json as { ClientToken?: unknown } | undefined)?.ClientToken;
  return `${route} ${String(token)}`;
};

/**
 * What a faulty call meets: `throttle` (429) and `server-error` (500) come
 * before Connect does anything, `drop-before` drops the connection before
 * Connect processes the call, `slow` answers late (under the client's 6 s
 * request timeout), `drop-after` drops it after Connect processed the call.
 * `SendChatIntegrationEvent` takes no client token, so after `drop-after`
 * the SDK's retry gives the chat the text twice; no bridge can prevent it.
 */
export const FAULT_KINDS = [
  'throttle',
  'server-error',
  'drop-before',
  'slow',
  'drop-after',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultWeights = Readonly<Partial<Record<FaultKind, number>>>;

/** The faults a bridge can be held to, equally likely. */
export const HELD_TO: FaultWeights = {
  throttle: 1,
  'server-error': 1,
  'drop-before': 1,
  slow: 1,
};
export const EVERY_FAULT: FaultWeights = { ...HELD_TO, 'drop-after': 1 };

/** The fault of a call, by its key and the calls of that key before it. */
export type FaultOf = (key: string, attempt: number) => FaultKind | undefined;

/**
 * Faults call by call, `schedule[key][attempt]` (`null`: none): what the
 * fault-injection properties generate and shrink.
 */
export type FaultSchedule = Readonly<
  Record<string, readonly (FaultKind | null)[]>
>;

export const scheduledFaults =
  (schedule: FaultSchedule): FaultOf =>
  (key, attempt) =>
    schedule[key]?.[attempt] ?? undefined;

/**
 * A share `rate` of calls meets a fault of a kind drawn by `weights`,
 * hashed from the seed, key and attempt: the same faults whatever the
 * interleaving of concurrent calls.
 */
export const randomFaults = (
  seed: number,
  rate: number,
  weights: FaultWeights
): FaultOf => {
  if (!(rate >= 0 && rate <= 1)) {
    throw new Error(`the fault rate must be between 0 and 1, got ${rate}`);
  }
  return (key, attempt) =>
    hashedUnit(seed, 'fault?', key, attempt) < rate
      ? weightedPick(
          hashedUnit(seed, 'kind', key, attempt),
          weights as Record<FaultKind, number>
        )
      : undefined;
};

const succeeded = (reply: Reply) => 'status' in reply && reply.status < 300;

/** Puts the faults `faultOf` gives in front of a local service. */
export const connectFaults = (
  faultOf: FaultOf,
  options: {
    readonly seed?: number;
    readonly slowMs?: readonly [number, number];
    /** Which calls count, and as what; `undefined` lets a call through. */
    readonly keyOf?: (request: RecordedRequest) => string | undefined;
  } = {}
) => {
  const [min, max] = options.slowMs ?? [50, 1500];
  // Past the client's 6 s request timeout a slow answer is a hung call.
  if (!(min >= 0 && min <= max && max < 6_000)) {
    throw new Error(`slow answers must take 0 to 5,999 ms, got ${min}-${max}`);
  }
  const keyOf = options.keyOf ?? ((request) => connectKeyOf(request.json));
  const attempts = new Map<string, number>();
  const byKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  /** The keys of calls Connect processed whose answer was lost. */
  const droppedAfter = new Set<string>();
  let calls = 0;

  const script = async (request: RecordedRequest, next: Responder) => {
    const key = keyOf(request);
    if (key === undefined) return undefined;
    calls++;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const kind = faultOf(key, attempt);
    if (kind === undefined) return undefined;
    byKind[kind]++;
    if (kind === 'throttle') {
      return awsError(429, 'ThrottlingException', 'Rate exceeded');
    }
    if (kind === 'server-error') {
      return awsError(500, 'InternalServiceException', 'Internal error');
    }
    if (kind === 'drop-before') return { drop: true } as const;
    const reply = await next(request);
    if (kind === 'drop-after') {
      if (succeeded(reply)) droppedAfter.add(key);
      return { drop: true } as const;
    }
    const delayMs =
      min + hashedUnit(options.seed ?? 0, 'delay', key, attempt) * (max - min);
    return 'drop' in reply ? reply : { ...reply, delayMs: Math.round(delayMs) };
  };

  const figures = () => {
    const injected = FAULT_KINDS.reduce((sum, kind) => sum + byKind[kind], 0);
    return {
      calls,
      injected,
      share: calls === 0 ? 0 : injected / calls,
      ...byKind,
      processedThenDropped: droppedAfter.size,
    };
  };
  return { script, figures, droppedAfter };
};

/**
 * Amazon Connect's API throttling: a token bucket per API (request path),
 * refilled at `ratePerSecond`, holding `burst` tokens and full at the
 * start; a call that finds it empty gets 429 `ThrottlingException` before
 * Connect does anything. AWS documents the 429 and that "the throttling
 * limits are defined for each API separately at the AWS account level"
 * (https://docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html);
 * the quotas, a rate and a burst per API, are on
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html.
 * The historic default is "a RateLimit of 2 per second, and a BurstLimit
 * of 5 per second". How the burst refills is not documented: a token
 * bucket is the usual AWS shape, and `burst` defaults to that 5:2 ratio.
 */
export const connectQuota = (
  ratePerSecond: number,
  burst = Math.ceil(2.5 * ratePerSecond)
) => {
  if (!(ratePerSecond > 0 && burst >= 1)) {
    throw new Error(`a quota needs a rate > 0 and a burst >= 1`);
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  const script: ConnectScript = (request, _next, now) => {
    const bucket = buckets.get(request.path) ?? { tokens: burst, at: now };
    const refill = ((now - bucket.at) / 1000) * ratePerSecond;
    bucket.tokens = Math.min(burst, bucket.tokens + refill);
    bucket.at = now;
    buckets.set(request.path, bucket);
    if (bucket.tokens < 1) {
      return awsError(429, 'ThrottlingException', 'Rate exceeded');
    }
    bucket.tokens--;
    return undefined;
  };
  return { script, burst };
};
