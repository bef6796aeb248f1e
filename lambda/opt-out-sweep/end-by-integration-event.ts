import {
  type ConnectClient,
  SendChatIntegrationEventCommand,
} from '@aws-sdk/client-connect';
import { toChatIntegrationEvent } from '../inbound-sms/to-chat-event';
import { classifyServiceError } from '../shared/undeliverable';
import type { SweepConfig } from './config';
import type { EndChat } from './end-chat';

/**
 * Integration-event mode: the `DISCONNECT` event a STOP text would send,
 * built by the inbound function's own mapping. It carries no
 * `NewSessionDetails`, so it never opens a chat; what Connect does when
 * the customer has no chat on that number is not documented (the local
 * stand-in answers with no contact).
 */
export const endByIntegrationEvent = (
  connect: ConnectClient,
  config: SweepConfig
): EndChat => {
  const settings = {
    phoneNumberArns: config.phoneNumberArns,
    subtype: config.subtype,
    isOptOut: () => true,
    // Used only by MESSAGE events, which the sweep never sends.
    contactAttributes: {},
    numberAttributes: { systemNumber: 'unused' },
    supportedContentTypes: ['text/plain'],
  };
  return async (chat) => {
    const request = toChatIntegrationEvent(
      {
        originationNumber: chat.customerNumber,
        destinationNumber: chat.bridgeNumber,
        messageBody: '',
        inboundMessageId: chat.clientToken,
      },
      settings
    );
    const response = await connect
      .send(new SendChatIntegrationEventCommand(request))
      .catch((error: unknown) => {
        throw classifyServiceError(error);
      });
    return response.InitialContactId === undefined
      ? {}
      : { contactId: response.InitialContactId };
  };
};
