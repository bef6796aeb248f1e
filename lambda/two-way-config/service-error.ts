import { maskPhoneNumber } from '../shared/mask';
import { errorNameOf, httpStatusOf } from '../shared/undeliverable';

/** End User Messaging's `Reason` on a Conflict or Validation error. */
export const reasonOf = (error: unknown): string | undefined => {
  const reason = (error as { Reason?: unknown } | null)?.Reason;
  return typeof reason === 'string' ? reason : undefined;
};

/** An E.164-looking run of digits, wherever a service message quotes one. */
const PHONE_NUMBER = /\+[1-9]\d{4,14}/g;

/**
 * A failed call as CloudFormation will show it: the operation, what it was
 * about, the error's name, reason and status, and the service's message
 * with any phone number masked. The SDK error stays as its `cause`.
 */
export const serviceFailure = (
  operation: string,
  subject: string,
  error: unknown
): Error => {
  const reason = reasonOf(error);
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const details = [
    errorNameOf(error),
    ...(reason === undefined ? [] : [reason]),
    ...(status === undefined ? [] : [`HTTP ${status}`]),
  ].join(', ');
  return new Error(
    `${operation} for ${subject} failed (${details}): ${message.replace(
      PHONE_NUMBER,
      maskPhoneNumber
    )}`,
    { cause: error }
  );
};
