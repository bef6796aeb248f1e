import type { SendChatIntegrationEventCommandInput } from '@aws-sdk/client-connect';
import {
  disconnectEvent,
  integrationEventChat,
} from '../shared/integration-event-chat';
import { UndeliverableError } from '../shared/undeliverable';
import { newChatAttributes } from './chat-attributes';
import type { BridgeConfig } from './config';
import type { InboundSms } from './schema';
import { chatMessageParts } from './text-parts';

/** The settings the mapping reads (the opt-out sweep has only these). */
export type ChatEventSettings = Pick<
  BridgeConfig,
  | 'phoneNumberArns'
  | 'subtype'
  | 'isOptOut'
  | 'displayName'
  | 'contactAttributes'
  | 'numberAttributes'
  | 'supportedContentTypes'
  | 'streamingEndpointArn'
>;

/**
 * Maps an inbound SMS to the `SendChatIntegrationEvent` request: the chat is
 * identified by the customer's number (`SourceId`), the number they texted
 * (`DestinationId`, as its phone-number ARN) and the subtype.
 */
export const toChatIntegrationEvent = (
  sms: InboundSms,
  config: ChatEventSettings
): SendChatIntegrationEventCommandInput => {
  const { originationNumber, destinationNumber } = sms;
  if (config.isOptOut(sms.messageBody)) {
    return disconnectEvent(originationNumber, destinationNumber, config);
  }
  if (sms.messageBody.trim() === '') {
    throw new UndeliverableError('empty-body', 'messageBody is empty');
  }
  return {
    ...integrationEventChat(originationNumber, destinationNumber, config),
    Event: {
      Type: 'MESSAGE',
      ContentType: 'text/plain',
      Content: sms.messageBody,
    },
    NewSessionDetails: {
      SupportedMessagingContentTypes: [...config.supportedContentTypes],
      ParticipantDetails: {
        DisplayName: config.displayName ?? sms.originationNumber,
      },
      Attributes: newChatAttributes(sms, config),
      ...(config.streamingEndpointArn === undefined
        ? {}
        : {
            StreamingConfiguration: {
              StreamingEndpointArn: config.streamingEndpointArn,
            },
          }),
    },
  };
};

/**
 * The requests one inbound SMS becomes: `toChatIntegrationEvent`'s, or for
 * a text over Connect's chat message limit, one `MESSAGE` per part, in
 * order. The first part opens the chat if there is none.
 */
export const toChatIntegrationEvents = (
  sms: InboundSms,
  config: BridgeConfig
): SendChatIntegrationEventCommandInput[] => {
  const request = toChatIntegrationEvent(sms, config);
  const { Event: event } = request;
  if (event?.Type !== 'MESSAGE') return [request];
  return chatMessageParts(sms.messageBody).map((Content) => ({
    ...request,
    Event: { ...event, Content },
  }));
};
