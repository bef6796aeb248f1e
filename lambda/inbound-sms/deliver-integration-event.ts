import {
  type ConnectClient,
  SendChatIntegrationEventCommand,
  type SendChatIntegrationEventCommandInput,
} from '@aws-sdk/client-connect';
import { classifyServiceError } from '../shared/undeliverable';
import type { BridgeConfig } from './config';
import type { Deliver } from './delivery';
import type { SendParts } from './text-parts';
import { toChatIntegrationEvents } from './to-chat-event';

/** What one `SendChatIntegrationEvent` call did (kept as a part's marker). */
interface Sent {
  readonly contactId?: string;
  readonly newChat: boolean;
}

/**
 * Delivers through `SendChatIntegrationEvent`: one call per text, or one
 * per part of a text over Connect's chat message limit, each part sent
 * once across retries (`sendParts`).
 */
export const deliverByIntegrationEvent =
  (
    connect: ConnectClient,
    config: BridgeConfig,
    sendParts: SendParts
  ): Deliver =>
  async (sms) => {
    const requests = toChatIntegrationEvents(sms, config);
    const sent = await sendParts(
      sms.inboundMessageId,
      requests,
      async (request: SendChatIntegrationEventCommandInput): Promise<Sent> => {
        const response = await connect
          .send(new SendChatIntegrationEventCommand(request))
          .catch((error: unknown) => {
            throw classifyServiceError(error);
          });
        return {
          ...(response.InitialContactId === undefined
            ? {}
            : { contactId: response.InitialContactId }),
          newChat: response.NewChatCreated === true,
        };
      }
    );
    const contactId = sent.findLast((part) => part.contactId)?.contactId;
    return {
      eventType:
        requests[0]?.Event?.Type === 'DISCONNECT' ? 'DISCONNECT' : 'MESSAGE',
      ...(contactId === undefined ? {} : { contactId }),
      newChat: sent.some((part) => part.newChat),
      ...(requests.length > 1 ? { parts: requests.length } : {}),
    };
  };
