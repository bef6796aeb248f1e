import type { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { disconnectCustomer } from '../participant/chat-ending';
import {
  isBeingOpened,
  type SessionStore,
  sessionKeyOf,
  startedChatConnection,
} from '../participant/session-store';
import type { EndChat } from './end-chat';

/** A text is opening the customer's chat right now; the next run ends it. */
export class ChatOpeningError extends Error {
  constructor() {
    super("a text is still opening the customer's chat");
    this.name = 'ChatOpeningError';
  }
}

/**
 * Participant mode: the customer's session with that number, if active, is
 * ended as a STOP text ends it (`disconnectCustomer`: the customer leaves,
 * the session and its token go, the contact is marked opted out). With no
 * session there is nothing to end and nothing is called.
 */
export const endByParticipant = (deps: {
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
  readonly subtype: string;
}): EndChat => {
  return async (chat) => {
    const sessionKey = sessionKeyOf({
      customerNumber: chat.customerNumber,
      bridgeNumber: chat.bridgeNumber,
      subtype: deps.subtype,
    });
    const session = await deps.sessions.getSession(sessionKey);
    if (isBeingOpened(session)) throw new ChatOpeningError();
    if (session === undefined || session.state === 'starting') return {};
    // A chat opened half-way is left with a connection its participant
    // token gives.
    const connection =
      session.state === 'started' ? startedChatConnection(session) : session;
    await disconnectCustomer(
      deps,
      { sessionKey, ...connection },
      { clientToken: chat.clientToken, optedOut: true }
    );
    return { contactId: session.contactId };
  };
};
