import {
  type ConnectClient,
  SendChatIntegrationEventCommand,
} from '@aws-sdk/client-connect';
import { disconnectEvent } from '../shared/integration-event-chat';
import { classifyServiceError } from '../shared/undeliverable';
import type { SweepConfig } from './config';
import type { EndChat } from './end-chat';

/**
 * Integration-event mode: the `DISCONNECT` event a STOP text would send,
 * built by the mapping the inbound function uses. It carries no
 * `NewSessionDetails`, so it never opens a chat; what Connect does when
 * the customer has no chat on that number is not documented (the local
 * stand-in answers with no contact).
 */
export const endByIntegrationEvent = (
  connect: ConnectClient,
  config: SweepConfig
): EndChat => {
  return async (chat) => {
    const request = disconnectEvent(
      chat.customerNumber,
      chat.bridgeNumber,
      config
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
