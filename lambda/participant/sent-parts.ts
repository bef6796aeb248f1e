import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import {
  type PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { checkKeyedOnArgument } from '../shared/idempotency-key';
import { splitMessage } from '../shared/split-message';
import type { SentPartStore } from './sent-part-record';
import { MAX_SMS_BODY_LENGTH, textMessageRequest } from './text-message';

/** Who a chat's texts go to, and from which number. */
export interface TextRoute {
  readonly to: string;
  /** The phone-number ARN the customer texted. */
  readonly fromArn: string;
}

/** A chat message to text: its chat item id and what it says. */
export interface ChatMessage {
  readonly messageId: string;
  readonly content: string;
}

/** Texts a chat message; resolves to how many parts it took. */
export type MessageTexter = (
  message: ChatMessage,
  route: TextRoute
) => Promise<number>;

/**
 * Texts each part of a message (split to End User Messaging's 1,600
 * characters) once, keyed on `<item id>#<part index>` under the outbound
 * function's name: a redelivered or half-sent message, or one that the other
 * function texted already, does not reach the customer twice. Errors are
 * End User Messaging's, as they are; a part that the other function is
 * sending at this moment throws `IdempotencyAlreadyInProgressError`.
 */
export const createMessageTexter = (
  sms: PinpointSMSVoiceV2Client,
  store: SentPartStore
): MessageTexter => {
  checkKeyedOnArgument(store.config);
  const sendPartOnce = makeIdempotent(
    async (_key: string, part: TextRoute & { readonly body: string }) => {
      const sent = await sms.send(
        new SendTextMessageCommand(textMessageRequest(part))
      );
      return { messageId: sent.MessageId ?? null };
    },
    {
      persistenceStore: store.persistenceStore,
      config: store.config,
      keyPrefix: store.keyPrefix,
      dataIndexArgument: 0,
    }
  );
  return async (message, route) => {
    const parts = splitMessage(message.content, MAX_SMS_BODY_LENGTH);
    for (const [index, body] of parts.entries()) {
      await sendPartOnce(sentPartKey(message.messageId, index), {
        ...route,
        body,
      });
    }
    return parts.length;
  };
};

/** The key of one part's marker, before the prefix and hashing. */
export const sentPartKey = (messageId: string, index: number): string =>
  `${messageId}#${index}`;
