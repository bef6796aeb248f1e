/** Why a message can never be delivered, as written to the dead-letter queue. */
export type FailureReason =
  | 'invalid-payload'
  | 'unknown-destination'
  | 'empty-body'
  | 'connect-rejected'
  | 'access-denied'
  | 'sms-rejected';

/**
 * A message that no retry can deliver. It goes to the dead-letter queue at
 * once. `detail` is written to logs and message attributes, so it must never
 * hold a full phone number or a message body.
 */
export class UndeliverableError extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly detail: string
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'UndeliverableError';
  }
}

interface ServiceErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The HTTP status an AWS SDK error carries, if it came from the service. */
export const httpStatusOf = (error: unknown): number | undefined => {
  const status = (error as ServiceErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
};

export const errorNameOf = (error: unknown): string => {
  const name = (error as ServiceErrorShape | null)?.name;
  return typeof name === 'string' ? name : 'UnknownError';
};

/**
 * 4xx answers that a later try can get past: throttling sent as a 400, and
 * credentials or a signature that expired in flight (the function's role
 * credentials are renewed under it).
 */
const TRANSIENT_CLIENT_ERRORS = new Set([
  'ThrottlingException',
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  'RequestTimeTooSkewed',
]);

/**
 * A 4xx answer other than throttling (429) or a timeout (408) will be given
 * again on retry, so it becomes an `UndeliverableError`. Everything else
 * (throttling, 5xx, network errors) is transient and returned as it is.
 * Only the error's name and status are kept: a service message may quote
 * the request.
 */
export const classifyServiceError = (error: unknown): unknown => {
  const status = httpStatusOf(error);
  if (status === undefined || status < 400 || status >= 500) return error;
  if (status === 408 || status === 429) return error;
  const name = errorNameOf(error);
  if (TRANSIENT_CLIENT_ERRORS.has(name)) return error;
  const reason =
    name === 'AccessDeniedException' ? 'access-denied' : 'connect-rejected';
  return new UndeliverableError(reason, `${name} (HTTP ${status})`);
};
