import type { SendChatIntegrationEventCommandInput } from '@aws-sdk/client-connect';
import { maskPhoneNumber } from './mask';
import { UndeliverableError } from './undeliverable';

/** What names a chat for `SendChatIntegrationEvent`. */
export interface IntegrationEventChatSettings {
  /** Each number customers text, in E.164 -> its phone-number ARN. */
  readonly phoneNumberArns: ReadonlyMap<string, string>;
  readonly subtype: string;
}

/**
 * The chat of a customer's number (`SourceId`), the number they texted
 * (`DestinationId`, as its phone-number ARN) and the subtype.
 */
export const integrationEventChat = (
  customerNumber: string,
  bridgeNumber: string,
  settings: IntegrationEventChatSettings
): Pick<
  SendChatIntegrationEventCommandInput,
  'SourceId' | 'DestinationId' | 'Subtype'
> => {
  const destinationId = settings.phoneNumberArns.get(bridgeNumber);
  if (destinationId === undefined) {
    throw new UndeliverableError(
      'unknown-destination',
      `no phone-number ARN is configured for ${maskPhoneNumber(bridgeNumber)}`
    );
  }
  return {
    SourceId: customerNumber,
    DestinationId: destinationId,
    Subtype: settings.subtype,
  };
};

/**
 * The `DISCONNECT` event that ends the chat (an opt-out). No
 * `NewSessionDetails`: it must end a chat, never start one.
 */
export const disconnectEvent = (
  customerNumber: string,
  bridgeNumber: string,
  settings: IntegrationEventChatSettings
): SendChatIntegrationEventCommandInput => ({
  ...integrationEventChat(customerNumber, bridgeNumber, settings),
  Event: { Type: 'DISCONNECT' },
});
