import type { Env } from '../shared/env';
import { ENV } from '../shared/settings';
import { textMessageSetting } from '../shared/text-setting';

/** What the customer is texted in place of what SMS cannot carry. */
export interface OutboundNotices {
  /** For an attachment the agent sent. */
  readonly attachment: string;
  /** For an interactive message whose template cannot be shown as text. */
  readonly unsupportedMessage: string;
}

/**
 * The notices, as both functions of participant mode read them: the
 * outbound one for what agents send, the inbound one for what a flow said
 * before streaming started.
 */
export const loadOutboundNotices = (env: Env): OutboundNotices => ({
  attachment: textMessageSetting(env, ENV.attachmentNotice),
  unsupportedMessage: textMessageSetting(env, ENV.unsupportedMessageNotice),
});
