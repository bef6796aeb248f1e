import {
  classifyServiceError,
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';

/**
 * The participant service answers 403 `AccessDeniedException` once a chat
 * is over (ended, expired, or the customer left): its connection token no
 * longer opens anything.
 */
export const isChatGone = (error: unknown): boolean =>
  httpStatusOf(error) === 403 || errorNameOf(error) === 'AccessDeniedException';

/**
 * Like `classifyServiceError`, but a 403 here is a missing IAM permission
 * of the bridge's own role, not the `SendChatIntegrationEvent` restriction
 * that the `access-denied` reason stands for.
 */
export const classifyChatError = (error: unknown): unknown => {
  const classified = classifyServiceError(error);
  return classified instanceof UndeliverableError &&
    classified.reason === 'access-denied'
    ? new UndeliverableError('connect-rejected', classified.detail)
    : classified;
};

/** End User Messaging refused the call (a text or an opt-out-list entry). */
export const classifySmsError = (error: unknown): unknown => {
  const classified = classifyServiceError(error);
  return classified instanceof UndeliverableError
    ? new UndeliverableError('sms-rejected', classified.detail)
    : classified;
};
