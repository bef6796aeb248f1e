import type { BridgeConfig } from './config';
import type { InboundSms } from './schema';

/**
 * The contact attributes of a new chat: the configured ones, the
 * customer's number (unless left out) and the number they texted. The
 * numbers are personal data: never log what this returns.
 */
export const newChatAttributes = (
  sms: InboundSms,
  config: Pick<BridgeConfig, 'contactAttributes' | 'numberAttributes'>
): Record<string, string> => {
  const { customerNumber, systemNumber } = config.numberAttributes;
  return {
    ...config.contactAttributes,
    ...(customerNumber === undefined
      ? {}
      : { [customerNumber]: sms.originationNumber }),
    [systemNumber]: sms.destinationNumber,
  };
};
