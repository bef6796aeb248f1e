import { type Env, requiredEnv } from '../shared/env';
import {
  ATTRIBUTE_KEY,
  attributeBytes,
  DEFAULT_MAX_RECEIVE_COUNT,
  ENV,
  isDisplayName,
  KEYWORD_MATCHES,
  type KeywordMatch,
  MAX_ATTRIBUTE_BYTES,
  MAX_DISPLAY_NAME_CHARACTERS,
  OPT_OUT_LIST_NAME,
} from '../shared/settings';
import { textMessageSetting } from '../shared/text-setting';
import { buildKeywordMatcher } from './keyword-match';

/** What the construct tells the function, read once at start-up. */
export interface BridgeConfig {
  /** End User Messaging number in E.164 -> its phone-number ARN. */
  readonly phoneNumberArns: ReadonlyMap<string, string>;
  readonly subtype: string;
  readonly isOptOut: (body: string) => boolean;
  /** When absent, a new chat shows the customer's number. */
  readonly displayName?: string;
  readonly contactAttributes: Readonly<Record<string, string>>;
  /** The attributes that carry the phone numbers in every new chat. */
  readonly numberAttributes: NumberAttributeNames;
  readonly supportedContentTypes: readonly string[];
  readonly streamingEndpointArn?: string;
  readonly deadLetterQueueUrl: string;
  /**
   * The queue that feeds the function: a failed text's visibility is
   * shortened on it, so the text comes back in seconds.
   */
  readonly queueUrl: string;
  readonly idempotencyTableName: string;
  /** How long a forwarded message's id is remembered to drop duplicates. */
  readonly deduplicationWindowSeconds: number;
  /**
   * The queue's `maxReceiveCount`: on its last receive a text is not held
   * back behind an earlier one of its conversation.
   */
  readonly maxReceiveCount: number;
  /**
   * Present when the numbers use self-managed opt-outs: the bridge then
   * answers STOP and HELP and keeps the opt-out list itself.
   */
  readonly keywordReplies?: KeywordReplySettings;
}

/**
 * The contact attribute names of the customer's number (absent when it is
 * left out) and of the number they texted. The values are personal data.
 */
export interface NumberAttributeNames {
  readonly customerNumber?: string;
  readonly systemNumber: string;
}

/** How the bridge answers opt-out and HELP keywords in End User Messaging's stead. */
export interface KeywordReplySettings {
  /** The opt-out list opted-out numbers are added to (a name, not an ARN). */
  readonly optOutListName: string;
  /** Texted to a customer who opts out, before the number joins the list. */
  readonly optOutConfirmationText: string;
  readonly isHelp: (body: string) => boolean;
  /** Texted to a customer whose text matches a HELP keyword. */
  readonly helpText: string;
}

/** Reads and checks the configuration; throws naming the bad variable. */
export const loadConfig = (env: Env): BridgeConfig => {
  const phoneNumbers = stringRecord(env, ENV.phoneNumbers);
  if (Object.keys(phoneNumbers).length === 0) {
    throw new Error(`${ENV.phoneNumbers} must name at least one phone number`);
  }
  const displayName = optional(env, ENV.displayName);
  const streamingEndpointArn = optional(env, ENV.streamingEndpointArn);
  const contactAttributes = stringRecord(env, ENV.contactAttributes, '{}');
  const numberAttributes = numberAttributesOf(env, contactAttributes);
  const supportedContentTypes = stringList(
    env,
    ENV.supportedContentTypes,
    '["text/plain"]'
  );
  checkNewSessionDetails(
    displayName,
    contactAttributes,
    numberAttributes,
    supportedContentTypes
  );
  const keywordMatch = keywordMatchOf(env);
  return {
    phoneNumberArns: new Map(Object.entries(phoneNumbers)),
    subtype: requiredEnv(env, ENV.subtype),
    isOptOut: buildKeywordMatcher(
      stringList(env, ENV.disconnectKeywords),
      keywordMatch
    ),
    ...(displayName === undefined ? {} : { displayName }),
    contactAttributes,
    numberAttributes,
    supportedContentTypes,
    ...(streamingEndpointArn === undefined ? {} : { streamingEndpointArn }),
    deadLetterQueueUrl: requiredEnv(env, ENV.deadLetterQueueUrl),
    queueUrl: requiredEnv(env, ENV.queueUrl),
    idempotencyTableName: requiredEnv(env, ENV.idempotencyTableName),
    deduplicationWindowSeconds: positiveInteger(
      env,
      ENV.deduplicationWindowSeconds
    ),
    maxReceiveCount:
      optional(env, ENV.maxReceiveCount) === undefined
        ? DEFAULT_MAX_RECEIVE_COUNT
        : positiveInteger(env, ENV.maxReceiveCount),
    ...(selfManagedOptOuts(env)
      ? { keywordReplies: keywordReplySettings(env, keywordMatch) }
      : {}),
  };
};

/**
 * Required, like the keyword match: whether the customer's number goes into
 * the chat is not a thing to guess. `{"customerNumber": <name> | null,
 * "systemNumber": <name>}`, null leaving the customer's number out.
 */
const numberAttributesOf = (
  env: Env,
  contactAttributes: Readonly<Record<string, string>>
): NumberAttributeNames => {
  const name = ENV.numberAttributes;
  const value = json(env, name);
  const { customerNumber, systemNumber } = (
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? value
      : {}
  ) as Record<string, unknown>;
  const isName = (key: unknown): key is string =>
    typeof key === 'string' && ATTRIBUTE_KEY.test(key);
  if (
    !isName(systemNumber) ||
    !(customerNumber === null || isName(customerNumber))
  ) {
    throw new Error(
      `Environment variable ${name} must be a JSON object of customerNumber (an attribute name, or null) and systemNumber (an attribute name)`
    );
  }
  const names = [customerNumber, systemNumber].filter(
    (key): key is string => key !== null
  );
  if (customerNumber === systemNumber) {
    throw new Error(
      `Environment variable ${name} must name two different attributes, got ${systemNumber} twice`
    );
  }
  const clash = names.find((key) => Object.hasOwn(contactAttributes, key));
  if (clash !== undefined) {
    throw new Error(
      `Environment variable ${name} names ${clash}, which ${ENV.contactAttributes} already sets`
    );
  }
  return {
    ...(customerNumber === null ? {} : { customerNumber }),
    systemNumber,
  };
};

/**
 * Required: which texts opt a customer out is not a thing to guess, and
 * the construct always sets it.
 */
const keywordMatchOf = (env: Env): KeywordMatch => {
  const value = requiredEnv(env, ENV.keywordMatch);
  if (!(KEYWORD_MATCHES as readonly string[]).includes(value)) {
    throw new Error(
      `Environment variable ${ENV.keywordMatch} must be one of ${KEYWORD_MATCHES.join(', ')}, got ${value}`
    );
  }
  return value as KeywordMatch;
};

const selfManagedOptOuts = (env: Env): boolean => {
  const value = optional(env, ENV.selfManagedOptOuts) ?? 'false';
  if (value !== 'true' && value !== 'false') {
    throw new Error(
      `Environment variable ${ENV.selfManagedOptOuts} must be true or false, got ${value}`
    );
  }
  return value === 'true';
};

/**
 * End User Messaging would refuse a bad list name or text on every STOP
 * or HELP, leaving opt-outs unanswered: fail at start-up instead.
 */
const keywordReplySettings = (
  env: Env,
  keywordMatch: KeywordMatch
): KeywordReplySettings => {
  const optOutListName = requiredEnv(env, ENV.optOutListName);
  if (!OPT_OUT_LIST_NAME.test(optOutListName)) {
    throw new Error(
      `Environment variable ${ENV.optOutListName} must be an opt-out list name (1 to 64 letters, digits, "_" or "-"), got ${optOutListName}`
    );
  }
  const helpKeywords = stringList(env, ENV.helpKeywords);
  if (!helpKeywords.some((keyword) => keyword.trim() !== '')) {
    throw new Error(
      `Environment variable ${ENV.helpKeywords} must list at least one keyword`
    );
  }
  return {
    optOutListName,
    optOutConfirmationText: textMessageSetting(env, ENV.optOutConfirmationText),
    // HELP keywords follow the opt-out keywords' rule, as in End User
    // Messaging.
    isHelp: buildKeywordMatcher(helpKeywords, keywordMatch),
    helpText: textMessageSetting(env, ENV.helpText),
  };
};

/**
 * Connect rejects every new chat whose details break these rules, so a bad
 * value would send every message to the dead-letter queue: fail instead.
 */
const checkNewSessionDetails = (
  displayName: string | undefined,
  attributes: Readonly<Record<string, string>>,
  numberAttributes: NumberAttributeNames,
  contentTypes: readonly string[]
): void => {
  if (displayName !== undefined && !isDisplayName(displayName)) {
    throw new Error(
      `Environment variable ${ENV.displayName} is over ${MAX_DISPLAY_NAME_CHARACTERS} characters`
    );
  }
  const keys = Object.keys(attributes);
  const badKey = keys.find((key) => !ATTRIBUTE_KEY.test(key));
  if (badKey !== undefined) {
    throw new Error(
      `Environment variable ${ENV.contactAttributes} keys may hold only letters, digits, "-" and "_", got ${JSON.stringify(badKey)}`
    );
  }
  const bytes = attributeBytes(attributes, Object.values(numberAttributes));
  if (bytes > MAX_ATTRIBUTE_BYTES) {
    throw new Error(
      `Environment variable ${ENV.contactAttributes} must total at most ${MAX_ATTRIBUTE_BYTES} UTF-8 bytes with the phone-number attributes, got ${bytes}`
    );
  }
  if (!contentTypes.includes('text/plain')) {
    throw new Error(
      `Environment variable ${ENV.supportedContentTypes} must contain "text/plain"`
    );
  }
};

const positiveInteger = (env: Env, name: string): number => {
  const text = requiredEnv(env, name);
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(
      `Environment variable ${name} must be a positive whole number, got ${text}`
    );
  }
  return value;
};

const optional = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
};

const json = (env: Env, name: string, fallback?: string): unknown => {
  const text = optional(env, name) ?? fallback;
  if (text === undefined) {
    throw new Error(`Environment variable ${name} is not set`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Environment variable ${name} is not valid JSON: ${text}`);
  }
};

const stringList = (env: Env, name: string, fallback?: string): string[] => {
  const value = json(env, name, fallback);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(
      `Environment variable ${name} must be a JSON list of strings`
    );
  }
  return value;
};

const stringRecord = (
  env: Env,
  name: string,
  fallback?: string
): Record<string, string> => {
  const value = json(env, name, fallback);
  const isRecord =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!isRecord) {
    throw new Error(
      `Environment variable ${name} must be a JSON object of strings`
    );
  }
  return value as Record<string, string>;
};
