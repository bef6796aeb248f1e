import type { InboundSms } from './schema';

/**
 * What a delivery did, as logged and counted (no personal data). `HELP` is
 * a text the bridge answered itself and kept out of the chat.
 */
export interface Delivered {
  readonly eventType: 'MESSAGE' | 'DISCONNECT' | 'HELP';
  readonly contactId?: string;
  readonly newChat: boolean;
  /** How many chat messages a text over Connect's limit became. */
  readonly parts?: number;
}

const inChat = new WeakSet<object>();

/**
 * Marks a delivery's failure as one that came after the whole text was in
 * the chat (what is left is finishing the chat): later texts of the
 * conversation need not wait for its retry. Returns the error.
 */
export const markTextInChat = (error: unknown): unknown => {
  if (typeof error === 'object' && error !== null) inChat.add(error);
  return error;
};

/** Whether the text of a failed delivery is in the chat already. */
export const isTextInChat = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && inChat.has(error);

/**
 * Puts one inbound SMS into its chat. Throws `UndeliverableError` when no
 * retry can succeed; anything else it throws is treated as transient.
 */
export type Deliver = (sms: InboundSms) => Promise<Delivered>;
