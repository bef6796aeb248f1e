import {
  type RenderedTemplate,
  renderInteractiveMessage,
} from './interactive-message';
import type { OutboundNotices } from './notices';
import type { StreamedAction } from './streamed-item';

/** A streamed item that becomes a text to the customer. */
export type TextedAction = Extract<
  StreamedAction,
  { kind: 'send' | 'interactive' | 'attachment' }
>;

/** What the customer is texted for an item, and what kind of reply it is. */
export type Reply =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'interactive';
      readonly template: RenderedTemplate;
      readonly text: string;
    }
  | { readonly kind: 'unsupported-message'; readonly text: string }
  | { readonly kind: 'attachment'; readonly text: string };

/** The metric each kind of reply other than a text counts on. */
export const REPLY_METRICS = {
  interactive: 'InteractiveMessagesSent',
  'unsupported-message': 'UnsupportedMessageNoticesSent',
  attachment: 'AttachmentNoticesSent',
} as const;

/**
 * A text as it is; an interactive message as its title and numbered
 * options, or the notice when its template cannot be shown; an attachment
 * as the notice (its file and name never reach the customer or the logs).
 */
export const replyFor = (
  action: TextedAction,
  notices: OutboundNotices
): Reply => {
  if (action.kind === 'send') return { kind: 'text', text: action.content };
  if (action.kind === 'attachment') {
    return { kind: 'attachment', text: notices.attachment };
  }
  const rendered = renderInteractiveMessage(action.content);
  return rendered === undefined
    ? { kind: 'unsupported-message', text: notices.unsupportedMessage }
    : { kind: 'interactive', ...rendered };
};
