import type { SendTextMessageCommandInput } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { MAX_TEXT_MESSAGE_CHARACTERS } from '../shared/settings';
import { errorNameOf } from '../shared/undeliverable';

/** The most one text of an agent's reply may hold. */
export const MAX_SMS_BODY_LENGTH = MAX_TEXT_MESSAGE_CHARACTERS;

/** One part of an agent's reply, sent from the number the customer texted. */
export const textMessageRequest = (part: {
  readonly to: string;
  readonly fromArn: string;
  readonly body: string;
}): SendTextMessageCommandInput => ({
  DestinationPhoneNumber: part.to,
  OriginationIdentity: part.fromArn,
  MessageBody: part.body,
  MessageType: 'TRANSACTIONAL',
});

/** End User Messaging refuses to text a number on the opt-out list. */
export const isOptedOutError = (error: unknown): boolean =>
  errorNameOf(error) === 'ConflictException' &&
  (error as { Reason?: unknown }).Reason ===
    'DESTINATION_PHONE_NUMBER_OPTED_OUT';
