import type {
  StartChatContactCommandInput,
  StartContactStreamingCommandInput,
} from '@aws-sdk/client-connect';
import type { ChatMessagePart } from '../participant/chat-requests';
import { newChatAttributes } from './chat-attributes';
import type { ParticipantConfig } from './participant-config';
import type { InboundSms } from './schema';

/** The parts of a text, each with its own client token. */
export const messageParts = (
  inboundMessageId: string,
  contents: readonly string[]
): ChatMessagePart[] =>
  contents.map((content, index) => ({
    content,
    clientToken:
      index === 0 ? inboundMessageId : `${inboundMessageId}-part-${index}`,
  }));

/**
 * A new chat for the customer's first text (or the first part of it),
 * which becomes its initial message. The client token is the part's, so a
 * retried start returns the chat the first attempt opened instead of a
 * second one.
 */
export const startChatRequest = (
  sms: InboundSms,
  part: ChatMessagePart,
  contactFlowId: string,
  config: ParticipantConfig
): StartChatContactCommandInput => ({
  InstanceId: config.instanceId,
  ContactFlowId: contactFlowId,
  ParticipantDetails: {
    DisplayName: config.displayName ?? sms.originationNumber,
  },
  Attributes: newChatAttributes(sms, config),
  InitialMessage: { ContentType: 'text/plain', Content: part.content },
  SupportedMessagingContentTypes: [...config.supportedContentTypes],
  ClientToken: part.clientToken,
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
