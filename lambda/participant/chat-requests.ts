import type {
  CreateParticipantConnectionCommandInput,
  DisconnectParticipantCommandInput,
  SendMessageCommandInput,
} from '@aws-sdk/client-connectparticipant';

/**
 * One chat message of an inbound text, with the client token it is sent
 * under: the text's id, or for the parts after the first of a long text,
 * the id and the part's index.
 */
export interface ChatMessagePart {
  readonly content: string;
  readonly clientToken: string;
}

/** Marks the customer as connected, as streaming chats require. */
export const connectionRequest = (
  participantToken: string
): CreateParticipantConnectionCommandInput => ({
  ParticipantToken: participantToken,
  Type: ['CONNECTION_CREDENTIALS'],
  ConnectParticipant: true,
});

export const sendMessageRequest = (
  connectionToken: string,
  part: ChatMessagePart
): SendMessageCommandInput => ({
  ConnectionToken: connectionToken,
  ContentType: 'text/plain',
  Content: part.content,
  ClientToken: part.clientToken,
});

export const disconnectRequest = (
  connectionToken: string,
  clientToken: string
): DisconnectParticipantCommandInput => ({
  ConnectionToken: connectionToken,
  ClientToken: clientToken,
});
