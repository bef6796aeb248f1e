import {
  awsError,
  type RecordedRequest,
  type Reply,
} from '../local-aws/endpoint';
import type { Script } from '../local-aws/scripted';
import { connectKeyOfRequest } from './connect-key';
import { hashedUnit, weightedPick } from './random';

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

export interface FaultPlan {
  readonly seed: number;
  /** The share of Connect calls that meet a fault (0 to 1). */
  readonly rate: number;
  /** The relative weight of each kind among faulty calls. */
  readonly weights: Readonly<Record<FaultKind, number>>;
  /** How late a slow answer comes, in ms. */
  readonly slowMs: readonly [min: number, max: number];
  /**
   * What a call is counted under (its attempts, its draws); `undefined`
   * lets the call through without a fault.
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

export interface FaultCounts {
  /** Every Connect call that reached the endpoint, retries included. */
  readonly calls: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
}

export interface ConnectFaults {
  /** For `LocalConnect.always`. */
  readonly script: Script;
  counts(): FaultCounts;
  /** The connect keys of calls that Connect processed but whose answer was lost. */
  droppedAfterProcessing(): ReadonlySet<string>;
}

/**
 * Puts faults in front of the local Connect. Whether a call meets one, and
 * which, depends only on the seed, the message the call carries and how
 * many calls for that message came before: the same run meets the same
 * faults whatever the interleaving of concurrent invocations.
 */
export const connectFaults = (plan: FaultPlan): ConnectFaults => {
  checkPlan(plan);
  const attempts = new Map<string, number>();
  const faults: Record<FaultKind, number> = {
    throttle: 0,
    'server-error': 0,
    'drop-before': 0,
    slow: 0,
    'drop-after': 0,
  };
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
    const draw = (what: string) => hashedUnit(plan.seed, what, key, attempt);
    if (draw('fault?') >= plan.rate) return undefined;
    const kind = weightedPick(draw('kind'), plan.weights);
    faults[kind]++;
    switch (kind) {
      case 'throttle':
        return awsError(429, 'ThrottlingException', 'Rate exceeded');
      case 'server-error':
        return awsError(500, 'InternalServiceException', 'Internal error');
      case 'drop-before':
        return { drop: true };
      case 'slow': {
        const [min, max] = plan.slowMs;
        const reply: Reply = await next(request);
        return 'drop' in reply
          ? reply
          : {
              ...reply,
              delayMs: Math.round(min + draw('delay') * (max - min)),
            };
      }
      case 'drop-after': {
        const reply: Reply = await next(request);
        if ('status' in reply && reply.status < 300) droppedAfter.add(key);
        return { drop: true };
      }
    }
  };

  return {
    script,
    counts: () => ({ calls, faults: { ...faults } }),
    droppedAfterProcessing: () => new Set(droppedAfter),
  };
};

const checkPlan = ({ rate, weights, slowMs: [min, max] }: FaultPlan) => {
  if (!(rate >= 0 && rate <= 1)) {
    throw new Error(`the fault rate must be between 0 and 1, got ${rate}`);
  }
  const values = Object.values<number>(weights);
  if (values.some((w) => !(w >= 0)) || !values.some((w) => w > 0)) {
    throw new Error(
      `fault weights must be >= 0, one above 0: ${JSON.stringify(weights)}`
    );
  }
  // Past the client's 6 s request timeout a slow answer is a hung call.
  if (!(min >= 0 && min <= max && max < 6_000)) {
    throw new Error(`slow answers must take 0 to 5,999 ms, got ${min}-${max}`);
  }
};
