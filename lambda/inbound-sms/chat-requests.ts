import type {
  StartChatContactCommandInput,
  StartContactStreamingCommandInput,
} from '@aws-sdk/client-connect';
import type {
  CreateParticipantConnectionCommandInput,
  DisconnectParticipantCommandInput,
  SendMessageCommandInput,
} from '@aws-sdk/client-connectparticipant';
import { newChatAttributes } from './chat-attributes';
import type { ParticipantConfig } from './participant-config';
import type { InboundSms } from './schema';

/**
 * A new chat for the customer's first text, which becomes its initial
 * message. The client token is the text's id, so a retried start returns
 * the chat the first attempt opened instead of a second one.
 */
export const startChatRequest = (
  sms: InboundSms,
  contactFlowId: string,
  config: ParticipantConfig
): StartChatContactCommandInput => ({
  InstanceId: config.instanceId,
  ContactFlowId: contactFlowId,
  ParticipantDetails: {
    DisplayName: config.displayName ?? sms.originationNumber,
  },
  Attributes: newChatAttributes(sms, config),
  InitialMessage: { ContentType: 'text/plain', Content: sms.messageBody },
  SupportedMessagingContentTypes: [...config.supportedContentTypes],
  ClientToken: sms.inboundMessageId,
});

/** The stack's streaming topic first, then the user's own, if any. */
export const streamingRequests = (
  contactId: string,
  clientToken: string,
  config: ParticipantConfig
): StartContactStreamingCommandInput[] =>
  [config.chatStreamingTopicArn, config.streamingEndpointArn]
    .filter((arn): arn is string => arn !== undefined)
    .map((arn, index) => ({
      InstanceId: config.instanceId,
      ContactId: contactId,
      ChatStreamingConfiguration: { StreamingEndpointArn: arn },
      ClientToken: `${clientToken}-stream-${index}`,
    }));

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
  sms: InboundSms
): SendMessageCommandInput => ({
  ConnectionToken: connectionToken,
  ContentType: 'text/plain',
  Content: sms.messageBody,
  ClientToken: sms.inboundMessageId,
});

export const disconnectRequest = (
  connectionToken: string,
  clientToken: string
): DisconnectParticipantCommandInput => ({
  ConnectionToken: connectionToken,
  ClientToken: clientToken,
});
