import type { core } from 'zod/mini';
import { UndeliverableError } from '../shared/undeliverable';
import {
  INBOUND_MESSAGE_ID,
  type InboundSms,
  InboundSmsSchema,
} from './schema';

/**
 * For a rejected payload, `inboundMessageId` is the id that logs and
 * dead-letter attributes may show: only one that passes the schema's rule.
 */
export type ParsedPayload =
  | {
      readonly ok: true;
      readonly sms: InboundSms;
      /**
       * When SNS published it (epoch ms), from the notification's
       * `Timestamp`, "the time (GMT) when the notification was published"
       * (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html);
       * absent when the payload came bare (raw delivery).
       */
      readonly publishedAt?: number;
    }
  | {
      readonly ok: false;
      readonly error: UndeliverableError;
      readonly inboundMessageId?: string;
    };

/**
 * Reads an inbound SMS from what the queue or topic delivered: the SNS
 * notification envelope (the default), or the bare payload when raw message
 * delivery is on.
 */
export const parseInboundSms = (text: string): ParsedPayload => {
  const json = parseJson(text);
  const payload = isSnsNotification(json) ? parseJson(json.Message) : json;
  if (payload === undefined) {
    return invalid('the message is not valid JSON');
  }
  const result = InboundSmsSchema.safeParse(payload);
  if (result.success) {
    const publishedAt = isSnsNotification(json)
      ? Date.parse(String(json.Timestamp))
      : Number.NaN;
    return Number.isFinite(publishedAt)
      ? { ok: true, sms: result.data, publishedAt }
      : { ok: true, sms: result.data };
  }
  return invalid(describeIssues(result.error), traceableId(payload));
};

const invalid = (detail: string, inboundMessageId?: string): ParsedPayload => ({
  ok: false,
  error: new UndeliverableError('invalid-payload', detail),
  ...(inboundMessageId === undefined ? {} : { inboundMessageId }),
});

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isSnsNotification = (
  value: unknown
): value is { Type: 'Notification'; Message: string; Timestamp?: unknown } =>
  typeof value === 'object' &&
  value !== null &&
  (value as { Type?: unknown }).Type === 'Notification' &&
  typeof (value as { Message?: unknown }).Message === 'string';

/** Paths and rule names only: zod messages never carry the input here. */
const describeIssues = (error: core.$ZodError): string =>
  error.issues
    .slice(0, 5)
    .map(({ path, message }) => `${path.join('.') || '(root)'}: ${message}`)
    .join('; ');

const traceableId = (payload: unknown): string | undefined => {
  const id = (payload as { inboundMessageId?: unknown } | null)
    ?.inboundMessageId;
  return typeof id === 'string' && INBOUND_MESSAGE_ID.test(id) ? id : undefined;
};
