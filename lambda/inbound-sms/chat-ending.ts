import {
  type ConnectParticipantClient,
  DisconnectParticipantCommand,
} from '@aws-sdk/client-connectparticipant';
import { classifyChatError, isChatGone } from './chat-failures';
import { disconnectRequest } from './chat-requests';
import type { SessionStore } from './session-store';

export interface ChatEndingDependencies {
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
}

/**
 * Leaves the chat as the customer, which ends it, and forgets it: the
 * session (with its connection token) goes, and the contact is marked
 * ended. A chat that is already over is only forgotten.
 */
export const disconnectCustomer = async (
  deps: ChatEndingDependencies,
  chat: {
    readonly sessionKey: string;
    readonly contactId: string;
    readonly connectionToken: string;
  },
  options: { readonly clientToken: string; readonly optedOut: boolean }
): Promise<void> => {
  await deps.participant
    .send(
      new DisconnectParticipantCommand(
        disconnectRequest(chat.connectionToken, options.clientToken)
      )
    )
    .catch((error: unknown) => {
      if (!isChatGone(error)) throw classifyChatError(error);
    });
  await forgetChat(deps.sessions, chat, options.optedOut);
};

/** Forgets a chat that is over; a newer chat of the customer stays. */
export const forgetChat = async (
  sessions: SessionStore,
  chat: { readonly sessionKey: string; readonly contactId: string },
  optedOut: boolean
): Promise<void> => {
  await sessions.remove(chat.sessionKey, chat.contactId);
  await sessions.endContact(chat.contactId, optedOut);
};
