import {
  awsError,
  type RecordedRequest,
  type Reply,
} from '../local-aws/endpoint';
import { hashedUnit, weightedPick } from '../local-aws/random';
import type { Script } from '../local-aws/scripted';
import { connectKeyOfRequest } from './connect-key';

/**
 * What a faulty call meets:
 * - `throttle`: 429 ThrottlingException, before Connect does anything;
 * - `server-error`: 500 InternalServiceException, before Connect does anything;
 * - `drop-before`: the connection drops before Connect processes the call;
 * - `slow`: Connect answers, late (under the client's 6 s request timeout);
 * - `drop-after`: Connect processes the call, then the connection drops.
 *   `SendChatIntegrationEvent` has no client token, so the SDK's retry
 *   gives the chat the text twice; no bridge can prevent it. Off unless
 *   given a weight.
 */
export type FaultKind =
  | 'throttle'
  | 'server-error'
  | 'drop-before'
  | 'slow'
  | 'drop-after';

export const FAULT_KINDS: readonly FaultKind[] = [
  'throttle',
  'server-error',
  'drop-before',
  'slow',
  'drop-after',
];

/** The fault a call meets, by its key and how many calls of that key came before. */
export type FaultOf = (key: string, attempt: number) => FaultKind | undefined;

/**
 * Faults given call by call: `schedule[key][attempt]`, `null` for none.
 * This is what the fault-injection property generates and shrinks.
 */
export type FaultSchedule = Readonly<
  Record<string, readonly (FaultKind | null)[]>
>;

export const scheduledFaults =
  (schedule: FaultSchedule): FaultOf =>
  (key, attempt) =>
    schedule[key]?.[attempt] ?? undefined;

/**
 * A share `rate` of calls meets a fault, of a kind drawn by `weights`. The
 * draw depends only on the seed, the call's key and attempt: the same run
 * meets the same faults whatever the interleaving of concurrent calls.
 */
export const randomFaults = (plan: {
  readonly seed: number;
  readonly rate: number;
  readonly weights: Readonly<Record<FaultKind, number>>;
}): FaultOf => {
  const { rate, weights } = plan;
  if (!(rate >= 0 && rate <= 1)) {
    throw new Error(`the fault rate must be between 0 and 1, got ${rate}`);
  }
  const values = Object.values<number>(weights);
  if (values.some((w) => !(w >= 0)) || !values.some((w) => w > 0)) {
    throw new Error(
      `fault weights must be >= 0, one above 0: ${JSON.stringify(weights)}`
    );
  }
  return (key, attempt) =>
    hashedUnit(plan.seed, 'fault?', key, attempt) < rate
      ? weightedPick(hashedUnit(plan.seed, 'kind', key, attempt), weights)
      : undefined;
};

export interface FaultPlan {
  readonly faultOf: FaultOf;
  /** Draws the delays of slow answers. @default 0 */
  readonly seed?: number;
  /** How late a slow answer comes, in ms. @default [50, 1500] */
  readonly slowMs?: readonly [min: number, max: number];
  /**
   * What a call is counted under (its attempts); `undefined` lets the call
   * through without a fault.
   * @default connectKeyOfRequest - `SendChatIntegrationEvent`'s message
   */
  readonly keyOf?: (request: RecordedRequest) => string | undefined;
}

export const DEFAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  throttle: 1,
  'server-error': 1,
  'drop-before': 1,
  slow: 1,
  'drop-after': 0,
};

/** Puts the planned faults in front of a local service. */
export const connectFaults = (plan: FaultPlan) => {
  const [min, max] = plan.slowMs ?? [50, 1500];
  // Past the client's 6 s request timeout a slow answer is a hung call.
  if (!(min >= 0 && min <= max && max < 6_000)) {
    throw new Error(`slow answers must take 0 to 5,999 ms, got ${min}-${max}`);
  }
  const attempts = new Map<string, number>();
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  const droppedAfter = new Set<string>();
  let calls = 0;

  const script: Script = async (request, next) => {
    const key = plan.keyOf
      ? plan.keyOf(request)
      : connectKeyOfRequest(request.json);
    if (key === undefined) return undefined;
    calls++;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const kind = plan.faultOf(key, attempt);
    if (kind === undefined) return undefined;
    faults[kind]++;
    switch (kind) {
      case 'throttle':
        return awsError(429, 'ThrottlingException', 'Rate exceeded');
      case 'server-error':
        return awsError(500, 'InternalServiceException', 'Internal error');
      case 'drop-before':
        return { drop: true };
      case 'slow': {
        const reply: Reply = await next(request);
        const delayMs = Math.round(
          min + hashedUnit(plan.seed ?? 0, 'delay', key, attempt) * (max - min)
        );
        return 'drop' in reply ? reply : { ...reply, delayMs };
      }
      case 'drop-after': {
        const reply: Reply = await next(request);
        if ('status' in reply && reply.status < 300) droppedAfter.add(key);
        return { drop: true };
      }
    }
  };

  return {
    /** For `LocalConnect.always`. */
    script,
    /** Calls that reached the endpoint, retries included, and their faults. */
    counts: () => ({ calls, faults: { ...faults } }),
    /** The keys of calls processed whose answer was lost. */
    droppedAfterProcessing: (): ReadonlySet<string> => new Set(droppedAfter),
  };
};
