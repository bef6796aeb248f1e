import {
  type ConnectClient,
  SendChatIntegrationEventCommand,
} from '@aws-sdk/client-connect';
import { classifyServiceError } from '../shared/undeliverable';
import type { BridgeConfig } from './config';
import type { Deliver } from './delivery';
import { toChatIntegrationEvent } from './to-chat-event';

/** Delivers through `SendChatIntegrationEvent`, one call per text. */
export const deliverByIntegrationEvent =
  (connect: ConnectClient, config: BridgeConfig): Deliver =>
  async (sms) => {
    const request = toChatIntegrationEvent(sms, config);
    const response = await connect
      .send(new SendChatIntegrationEventCommand(request))
      .catch((error: unknown) => {
        throw classifyServiceError(error);
      });
    return {
      eventType:
        request.Event?.Type === 'DISCONNECT' ? 'DISCONNECT' : 'MESSAGE',
      ...(response.InitialContactId === undefined
        ? {}
        : { contactId: response.InitialContactId }),
      newChat: response.NewChatCreated === true,
    };
  };
