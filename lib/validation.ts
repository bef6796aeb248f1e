import { Token } from 'aws-cdk-lib';
import {
  ATTRIBUTE_KEY,
  attributeBytes,
  CHAT_SUBTYPES,
  CONTENT_TYPES,
  E164,
  isDisplayName,
  isKeyword,
  isTextMessage,
  MAX_ATTRIBUTE_BYTES,
  MAX_DISPLAY_NAME_CHARACTERS,
  MAX_TEXT_MESSAGE_CHARACTERS,
} from '../lambda/shared/settings';

/**
 * Synth-time checks of the bridge's settings. Each error names the setting
 * (the same name as its context key) and shows the bad value. Unresolved
 * tokens are skipped: their value is only known at deploy time.
 */

export const CONNECT_INSTANCE_ARN =
  /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):instance\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const PHONE_NUMBER_ARN =
  /^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):(\d{12}):phone-number\/phone-[0-9a-fA-F]{32}$/;
export const SNS_TOPIC_ARN =
  /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/;
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

export const fail = (setting: string, rule: string, value: unknown): never => {
  throw new Error(`${setting} ${rule}, got ${show(value)}`);
};

const resolved = (value: string): boolean => !Token.isUnresolved(value);

export const checkPattern = (
  setting: string,
  value: string,
  pattern: RegExp,
  rule: string
): void => {
  if (resolved(value) && !pattern.test(value)) fail(setting, rule, value);
};

export const checkConnectInstanceArn = (value: string): void =>
  checkPattern(
    'connectInstanceArn',
    value,
    CONNECT_INSTANCE_ARN,
    'must be an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<id>)'
  );

export const checkPhoneNumbers = (
  phoneNumbers: Readonly<Record<string, string>>,
  connectInstanceArn: string
): void => {
  const entries = Object.entries(phoneNumbers);
  if (entries.length === 0) {
    fail(
      'phoneNumbers',
      'must map at least one E.164 number to its phone-number ARN',
      phoneNumbers
    );
  }
  const instanceRegion = CONNECT_INSTANCE_ARN.exec(connectInstanceArn)?.[1];
  for (const [number, arn] of entries) {
    if (!E164.test(number)) {
      fail(
        'phoneNumbers',
        'keys must be E.164 numbers such as +12065550100',
        number
      );
    }
    checkPattern(
      `phoneNumbers["${number}"]`,
      arn,
      PHONE_NUMBER_ARN,
      'must be an End User Messaging phone-number ARN (arn:aws:sms-voice:<region>:<account>:phone-number/phone-<id>)'
    );
    const region = PHONE_NUMBER_ARN.exec(arn)?.[1];
    if (instanceRegion && region && region !== instanceRegion) {
      fail(
        `phoneNumbers["${number}"]`,
        `must be in the Connect instance's region (${instanceRegion})`,
        arn
      );
    }
  }
};

export const checkSubtype = (value: string): void => {
  if (
    resolved(value) &&
    !(CHAT_SUBTYPES as readonly string[]).includes(value)
  ) {
    fail('subtype', `must be one of ${CHAT_SUBTYPES.join(', ')}`, value);
  }
};

/** End User Messaging's keyword rule: 1 to 30 characters, no outer space. */
export const checkKeywords = (
  setting: string,
  keywords: readonly string[],
  whenEmpty: string
): void => {
  if (keywords.length === 0) {
    fail(setting, `must list at least one keyword (${whenEmpty})`, keywords);
  }
  for (const keyword of keywords) {
    if (!isKeyword(keyword)) {
      fail(
        setting,
        'entries must be 1 to 30 characters and not start or end with a space',
        keyword
      );
    }
  }
};

export const checkDisconnectKeywords = (keywords: readonly string[]): void =>
  checkKeywords('disconnectKeywords', keywords, 'omit it for the default list');

export const checkDisplayName = (value: string): void => {
  if (resolved(value) && !isDisplayName(value)) {
    fail(
      'displayName',
      `must be 1 to ${MAX_DISPLAY_NAME_CHARACTERS} characters`,
      value
    );
  }
};

/**
 * `numberAttributeNames`: the bridge's own attributes (the phone numbers),
 * added to every new chat and counted against the same limit.
 */
export const checkContactAttributes = (
  attributes: Readonly<Record<string, string>>,
  numberAttributeNames: readonly string[]
): void => {
  for (const key of Object.keys(attributes)) {
    if (!ATTRIBUTE_KEY.test(key)) {
      fail(
        'contactAttributes',
        'keys may hold only letters, digits, "-" and "_"',
        key
      );
    }
  }
  const bytes = attributeBytes(attributes, numberAttributeNames);
  if (bytes > MAX_ATTRIBUTE_BYTES) {
    fail(
      'contactAttributes',
      `must total at most ${MAX_ATTRIBUTE_BYTES} UTF-8 bytes, with the ` +
        `${attributeBytes({}, numberAttributeNames)} of the phone-number attributes`,
      `${bytes} bytes`
    );
  }
};

export const checkContentTypes = (types: readonly string[]): void => {
  for (const type of types) {
    if (!(CONTENT_TYPES as readonly string[]).includes(type)) {
      fail(
        'supportedMessagingContentTypes',
        `entries must be among ${CONTENT_TYPES.join(', ')}`,
        type
      );
    }
  }
  if (!types.includes('text/plain')) {
    fail('supportedMessagingContentTypes', 'must contain "text/plain"', types);
  }
};

export const checkStreamingEndpointArn = (value: string): void =>
  checkPattern(
    'streamingEndpointArn',
    value,
    SNS_TOPIC_ARN,
    'must be the ARN of a standard (not FIFO) SNS topic'
  );

export const checkEmail = (value: string): void =>
  checkPattern(
    'alarmEmail',
    value,
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
    'must be an email address'
  );

/** A text End User Messaging accepts as a `MessageBody`. */
export const checkTextMessage = (setting: string, text: string): void => {
  if (!resolved(text)) return;
  if (!isTextMessage(text)) {
    fail(
      setting,
      `must be 1 to ${MAX_TEXT_MESSAGE_CHARACTERS} characters and not blank`,
      text
    );
  }
};
