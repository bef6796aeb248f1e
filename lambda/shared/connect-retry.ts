import type { Env } from './env';

/**
 * The retry mode of the clients that call Amazon Connect: `adaptive`, the
 * SDK's standard retries plus a client-side rate limiter that slows the
 * client after a throttle, so a burst above Connect's per-account quota
 * drains at the quota instead of throttling most calls. The SDKs' guide
 * recommends it for a client that "only accesses a single resource" and is
 * "latency-tolerant", as these clients are: each calls one Connect API of
 * one account (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * `AWS_RETRY_MODE` on the function, the SDK's own variable, overrides it.
 */
export const connectRetryMode = (env: Env): string =>
  env.AWS_RETRY_MODE?.trim() || 'adaptive';
