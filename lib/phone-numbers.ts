import type { ParticipantPhoneNumber } from './participant-delivery';
import { fail } from './validation';

/**
 * A number's setting: its phone-number ARN, or, for participant mode, the
 * ARN with the contact flow its chats start in.
 */
export type PhoneNumberSetting =
  | string
  | { readonly arn: string; readonly contactFlowId?: string };

const settingOf = (number: string, setting: unknown) => {
  if (typeof setting === 'string') return { arn: setting };
  const { arn, contactFlowId } = (setting ?? {}) as Record<string, unknown>;
  const valid =
    typeof setting === 'object' &&
    setting !== null &&
    typeof arn === 'string' &&
    (contactFlowId === undefined || typeof contactFlowId === 'string');
  if (!valid) {
    fail(
      `phoneNumbers["${number}"]`,
      'must be a phone-number ARN or { "arn": ..., "contactFlowId": ... }',
      setting
    );
  }
  return {
    arn: arn as string,
    contactFlowId: contactFlowId as string | undefined,
  };
};

/** Each number's phone-number ARN (the chat's `DestinationId`). */
export const phoneNumberArns = (
  numbers: Readonly<Record<string, PhoneNumberSetting>>
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(numbers).map(([number, setting]) => [
      number,
      settingOf(number, setting).arn,
    ])
  );

/** Each number with its contact flow: its own, or the default. */
export const participantPhoneNumbers = (
  numbers: Readonly<Record<string, PhoneNumberSetting>>,
  defaultContactFlowId: string | undefined
): Record<string, ParticipantPhoneNumber> =>
  Object.fromEntries(
    Object.entries(numbers).map(([number, setting]) => {
      const { arn, contactFlowId = defaultContactFlowId } = settingOf(
        number,
        setting
      );
      if (contactFlowId === undefined) {
        fail(
          `phoneNumbers["${number}"].contactFlowId`,
          'is required in participant mode (or set a top-level contactFlowId)',
          setting
        );
      }
      return [number, { arn, contactFlowId: contactFlowId as string }];
    })
  );
