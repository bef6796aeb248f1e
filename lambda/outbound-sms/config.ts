import { type Env, requiredEnv } from '../shared/env';
import { ENV } from '../shared/settings';
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

/** Reads and checks the configuration; throws naming the bad variable. */
export const loadOutboundConfig = (env: Env): OutboundConfig => ({
  sessionTableName: requiredEnv(env, ENV.sessionTableName),
  deadLetterQueueUrl: requiredEnv(env, ENV.deadLetterQueueUrl),
  notices: loadOutboundNotices(env),
});

/**
 * The notices, as both functions of participant mode read them: the
 * outbound one for what agents send, the inbound one for what a flow said
 * before streaming started.
 */
export const loadOutboundNotices = (env: Env): OutboundNotices => ({
  attachment: textMessageSetting(env, ENV.attachmentNotice),
  unsupportedMessage: textMessageSetting(env, ENV.unsupportedMessageNotice),
});
