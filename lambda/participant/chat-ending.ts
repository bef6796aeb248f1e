import { DisconnectParticipantCommand } from '@aws-sdk/client-connectparticipant';
import { type ConnectionDependencies, withConnection } from './chat-connection';
import { disconnectRequest } from './chat-requests';
import type { ChatConnection, SessionStore } from './session-store';

export type ChatEndingDependencies = ConnectionDependencies;

/**
 * Leaves the chat as the customer, which ends it, and forgets it: the
 * session (with its tokens) goes, and the contact is marked ended. An
 * expired connection is renewed first; a chat that is already over is
 * only forgotten.
 */
export const disconnectCustomer = async (
  deps: ChatEndingDependencies,
  chat: ChatConnection & { readonly sessionKey: string },
  options: { readonly clientToken: string; readonly optedOut: boolean }
): Promise<void> => {
  await withConnection(deps, chat, (connectionToken) =>
    deps.participant.send(
      new DisconnectParticipantCommand(
        disconnectRequest(connectionToken, options.clientToken)
      )
    )
  );
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
