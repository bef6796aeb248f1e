/** One of the customer's chats: the customer and the number they texted. */
export interface ChatToEnd {
  readonly customerNumber: string;
  readonly bridgeNumber: string;
  /** Unique to this opt-out and number, for APIs that take one. */
  readonly clientToken: string;
}

/** What ending a chat found. */
export interface ChatEnding {
  /** The chat's contact, when the service named one. */
  readonly contactId?: string;
}

/**
 * Ends the customer's chat with one of the bridge's numbers, if there is
 * one. Throws `UndeliverableError` when no retry can succeed; anything
 * else it throws is transient.
 */
export type EndChat = (chat: ChatToEnd) => Promise<ChatEnding>;
