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

/**
 * Puts one inbound SMS into its chat. Throws `UndeliverableError` when no
 * retry can succeed; anything else it throws is treated as transient.
 */
export type Deliver = (sms: InboundSms) => Promise<Delivered>;
