import { type Env, requiredEnv } from '../shared/env';
import { textMessageSetting } from '../shared/text-setting';

/** What the participant construct tells the outbound function. */
export interface OutboundConfig {
  readonly sessionTableName: string;
  readonly deadLetterQueueUrl: string;
  readonly notices: OutboundNotices;
}

/** What the customer is texted in place of what SMS cannot carry. */
export interface OutboundNotices {
  /** For an attachment the agent sent. */
  readonly attachment: string;
  /** For an interactive message whose template cannot be shown as text. */
  readonly unsupportedMessage: string;
}

/** The environment variables the construct sets; the names are its contract. */
export const OUTBOUND_ENV = {
  sessionTableName: 'SESSION_TABLE_NAME',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  attachmentNotice: 'ATTACHMENT_NOTICE',
  unsupportedMessageNotice: 'UNSUPPORTED_MESSAGE_NOTICE',
} as const;

/** Reads and checks the configuration; throws naming the bad variable. */
export const loadOutboundConfig = (env: Env): OutboundConfig => ({
  sessionTableName: requiredEnv(env, OUTBOUND_ENV.sessionTableName),
  deadLetterQueueUrl: requiredEnv(env, OUTBOUND_ENV.deadLetterQueueUrl),
  notices: loadOutboundNotices(env),
});

/**
 * The notices, as both functions of participant mode read them: the
 * outbound one for what agents send, the inbound one for what a flow said
 * before streaming started.
 */
export const loadOutboundNotices = (env: Env): OutboundNotices => ({
  attachment: textMessageSetting(env, OUTBOUND_ENV.attachmentNotice),
  unsupportedMessage: textMessageSetting(
    env,
    OUTBOUND_ENV.unsupportedMessageNotice
  ),
});
