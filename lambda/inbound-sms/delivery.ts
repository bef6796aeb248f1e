import type { InboundSms } from './schema';

/** What a delivery did, as logged and counted (no personal data). */
export interface Delivered {
  readonly eventType: 'MESSAGE' | 'DISCONNECT';
  readonly contactId?: string;
  readonly newChat: boolean;
}

/**
 * Puts one inbound SMS into its chat. Throws `UndeliverableError` when no
 * retry can succeed; anything else it throws is treated as transient.
 */
export type Deliver = (sms: InboundSms) => Promise<Delivered>;
