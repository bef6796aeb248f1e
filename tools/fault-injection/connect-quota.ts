import {
  awsError,
  type RecordedRequest,
  type Reply,
} from '../local-aws/endpoint';

/**
 * Amazon Connect's API throttling in front of the local Connect: a token
 * bucket per API (per request path), refilled at `ratePerSecond`, holding
 * at most `burst` tokens and full at the start. A call that finds the
 * bucket empty gets 429 `ThrottlingException` before Connect does
 * anything.
 *
 * What AWS documents: "Throttling errors in Amazon Connect public API(s)
 * are defined by HTTP status code 429", and "the throttling limits are
 * defined for each API separately at the AWS account level"
 * (https://docs.aws.amazon.com/connect/latest/APIReference/best-practices-connect-apis.html);
 * the quotas, a steady rate and a burst per API, are on
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html.
 * The historic default is "a RateLimit of 2 per second, and a BurstLimit
 * of 5 per second". How the burst is refilled is not documented; a token
 * bucket is the usual AWS shape, and `burst` defaults to that 5:2 ratio.
 */
export interface ConnectQuotaOptions {
  /** Calls per second each API takes in the steady state. */
  readonly ratePerSecond: number;
  /** Tokens the bucket holds. @default ceil(2.5 * ratePerSecond) */
  readonly burst?: number;
  /** The world's time in ms (the simulated queue's clock). */
  readonly now: () => number;
}

export interface QuotaCall {
  readonly path: string;
  /** When the call reached Connect, in the clock's ms. */
  readonly at: number;
  readonly throttled: boolean;
}

export interface ConnectQuota {
  /** For `LocalConnect.always`: a 429, or `undefined` to let the call in. */
  readonly script: (request: RecordedRequest) => Reply | undefined;
  /** Every call, in arrival order. */
  calls(): readonly QuotaCall[];
  readonly ratePerSecond: number;
  readonly burst: number;
}

export const defaultBurst = (ratePerSecond: number): number =>
  Math.ceil(2.5 * ratePerSecond);

export const connectQuota = (options: ConnectQuotaOptions): ConnectQuota => {
  const { ratePerSecond, now } = options;
  const burst = options.burst ?? defaultBurst(ratePerSecond);
  if (!(ratePerSecond > 0) || !(burst >= 1)) {
    throw new Error(
      `a quota needs a rate above 0 and a burst of at least 1, got ${ratePerSecond}/${burst}`
    );
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  const calls: QuotaCall[] = [];

  const take = (request: RecordedRequest): boolean => {
    const at = now();
    const bucket = buckets.get(request.path) ?? { tokens: burst, at };
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + ((at - bucket.at) / 1000) * ratePerSecond
    );
    bucket.at = at;
    buckets.set(request.path, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    calls.push({ path: request.path, at, throttled: !allowed });
    return allowed;
  };

  return {
    script: (request) =>
      take(request)
        ? undefined
        : awsError(429, 'ThrottlingException', 'Rate exceeded'),
    calls: () => [...calls],
    ratePerSecond,
    burst,
  };
};
