import { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PhoneNumberSetting } from './phone-numbers';
import type { ChatSubtype, KeywordMatch } from './sms-connect-bridge';
import { checkPattern, fail, SNS_TOPIC_ARN } from './validation';

export type DeliveryMode = 'integration-event' | 'participant';
export const DELIVERY_MODES: readonly DeliveryMode[] = [
  'integration-event',
  'participant',
];

/**
 * The app's settings, one per context key, as flat as the command line
 * gives them; the stack composes the constructs they describe.
 */
export interface BridgeSettings {
  readonly connectInstanceArn: string;
  readonly phoneNumbers: Readonly<Record<string, PhoneNumberSetting>>;
  readonly subtype?: ChatSubtype;
  readonly disconnectKeywords?: readonly string[];
  readonly keywordMatch?: KeywordMatch;
  readonly displayName?: string;
  readonly contactAttributes?: Readonly<Record<string, string>>;
  readonly customerNumberAttribute?: string;
  readonly systemNumberAttribute?: string;
  readonly includeCustomerNumber?: boolean;
  readonly supportedMessagingContentTypes?: readonly string[];
  readonly streamingEndpointArn?: string;
  readonly inboundTopicArn?: string;
  readonly deduplicationWindow?: Duration;
  readonly alarmEmail?: string;
  readonly deliveryMode?: DeliveryMode;
  readonly contactFlowId?: string;
  readonly configureTwoWay?: boolean;
  readonly selfManagedOptOuts?: boolean;
  readonly optOutListName?: string;
  readonly optOutConfirmationText?: string;
  readonly helpKeywords?: readonly string[];
  readonly helpText?: string;
  readonly pools?: readonly string[];
  readonly attachmentNotice?: string;
  readonly unsupportedMessageNotice?: string;
  readonly maxConcurrency?: number;
  readonly maxReceiveCount?: number;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Settings that only mean something with another one: the constructs
 * cannot be given them without it, but a context key can be set alone.
 */
const DEPENDENT_SETTINGS = {
  selfManagedOptOuts: ['configureTwoWay', true],
  pools: ['configureTwoWay', true],
  attachmentNotice: ['deliveryMode', 'participant'],
  unsupportedMessageNotice: ['deliveryMode', 'participant'],
  optOutConfirmationText: ['selfManagedOptOuts', true],
  helpKeywords: ['selfManagedOptOuts', true],
  helpText: ['selfManagedOptOuts', true],
} as const satisfies Partial<
  Record<keyof BridgeSettings, readonly [keyof BridgeSettings, unknown]>
>;

/**
 * Reads the bridge's settings from CDK context (cdk.json or `-c key=value`).
 * On the command line, objects and lists arrive as JSON strings. Checks
 * here are about shape and about keys set without the one they need; the
 * constructs check the values.
 */
export const bridgeSettingsFromContext = (scope: Construct): BridgeSettings => {
  const get = (key: string): unknown => scope.node.tryGetContext(key);
  const connectInstanceArn = requiredString('connectInstanceArn', get);
  const phoneNumbers = phoneNumberRecord(get('phoneNumbers'));
  if (phoneNumbers === undefined) {
    fail(
      'phoneNumbers',
      'is required: a JSON object of E.164 number -> phone-number ARN',
      undefined
    );
  }
  for (const key of ['inboundTopicArn', 'streamingEndpointArn']) {
    const arn = optionalString(key, get);
    if (arn !== undefined) {
      checkPattern(
        key,
        arn,
        SNS_TOPIC_ARN,
        'must be the ARN of a standard (not FIFO) SNS topic'
      );
    }
  }
  const deliveryMode = optionalString('deliveryMode', get);
  if (
    deliveryMode !== undefined &&
    !(DELIVERY_MODES as readonly string[]).includes(deliveryMode)
  ) {
    fail(
      'deliveryMode',
      `must be one of ${DELIVERY_MODES.join(', ')}`,
      deliveryMode
    );
  }
  const settings: BridgeSettings = {
    connectInstanceArn,
    phoneNumbers: phoneNumbers ?? {},
    subtype: optionalString('subtype', get) as ChatSubtype | undefined,
    disconnectKeywords: stringList(
      'disconnectKeywords',
      get('disconnectKeywords')
    ),
    keywordMatch: optionalString('keywordMatch', get) as
      | KeywordMatch
      | undefined,
    displayName: optionalString('displayName', get),
    contactAttributes: stringRecord(
      'contactAttributes',
      get('contactAttributes')
    ),
    customerNumberAttribute: optionalString('customerNumberAttribute', get),
    systemNumberAttribute: optionalString('systemNumberAttribute', get),
    includeCustomerNumber: optionalBoolean('includeCustomerNumber', get),
    supportedMessagingContentTypes: stringList(
      'supportedMessagingContentTypes',
      get('supportedMessagingContentTypes')
    ),
    streamingEndpointArn: optionalString('streamingEndpointArn', get),
    inboundTopicArn: optionalString('inboundTopicArn', get),
    deduplicationWindow: optionalHours('deduplicationWindowHours', get),
    alarmEmail: optionalString('alarmEmail', get),
    deliveryMode: deliveryMode as DeliveryMode | undefined,
    contactFlowId: optionalString('contactFlowId', get),
    configureTwoWay: optionalBoolean('configureTwoWay', get),
    selfManagedOptOuts: optionalBoolean('selfManagedOptOuts', get),
    optOutListName: optionalString('optOutListName', get),
    optOutConfirmationText: optionalString('optOutConfirmationText', get),
    helpKeywords: stringList('helpKeywords', get('helpKeywords')),
    helpText: optionalString('helpText', get),
    pools: stringList('pools', get('pools')),
    attachmentNotice: optionalString('attachmentNotice', get),
    unsupportedMessageNotice: optionalString('unsupportedMessageNotice', get),
    maxConcurrency: optionalInteger('maxConcurrency', get),
    maxReceiveCount: optionalInteger('maxReceiveCount', get),
  };
  for (const [key, [needed, value]] of Object.entries(DEPENDENT_SETTINGS)) {
    const set = settings[key as keyof BridgeSettings];
    if (set !== undefined && set !== false && settings[needed] !== value) {
      fail(key, `needs ${needed}=${value}`, set);
    }
  }
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined)
  ) as unknown as BridgeSettings;
};

type Get = (key: string) => unknown;

const optionalString = (key: string, get: Get): string | undefined => {
  const value = get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(key, 'must be a string', value);
  return value as string;
};

const requiredString = (key: string, get: Get): string => {
  const value = optionalString(key, get);
  if (value === undefined || value === '') {
    fail(key, 'is required (set it in cdk.json or with -c)', value);
  }
  return value as string;
};

/** A number of hours: a string from the command line, a number from cdk.json. */
const optionalHours = (key: string, get: Get): Duration | undefined => {
  const value = get(key);
  if (value === undefined) return undefined;
  const hours =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) {
    return fail(key, 'must be a number of hours', value);
  }
  // Whole seconds: the function gets the window in seconds, and Duration
  // refuses to round on its own.
  return Duration.seconds(Math.round(hours * 3600));
};

/** A whole number: a string from the command line, a number from cdk.json. */
const optionalInteger = (key: string, get: Get): number | undefined => {
  const value = get(key);
  if (value === undefined) return undefined;
  const number =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    return fail(key, 'must be a whole number', value);
  }
  return number;
};

/** `true`/`false`: a string from the command line, a boolean from cdk.json. */
const optionalBoolean = (key: string, get: Get): boolean | undefined => {
  const value = get(key);
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return fail(key, 'must be true or false', value);
};

/** A JSON string from the command line, or the value itself from cdk.json. */
const decode = (key: string, value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return fail(key, 'must be valid JSON', value);
  }
};

const stringList = (key: string, raw: unknown): string[] | undefined => {
  if (raw === undefined) return undefined;
  const value = decode(key, raw);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    fail(key, 'must be a list of strings', value);
  }
  return value as string[];
};

const stringRecord = (
  key: string,
  raw: unknown
): Record<string, string> | undefined => {
  if (raw === undefined) return undefined;
  const value = decode(key, raw);
  const isRecord =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!isRecord) fail(key, 'must be an object of string values', value);
  return value as Record<string, string>;
};

/** Number -> ARN, or number -> { arn, contactFlowId } for participant mode. */
const phoneNumberRecord = (
  raw: unknown
): Record<string, PhoneNumberSetting> | undefined => {
  if (raw === undefined) return undefined;
  const value = decode('phoneNumbers', raw);
  const isRecord =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (v) => typeof v === 'string' || (typeof v === 'object' && v !== null)
    );
  if (!isRecord) {
    fail('phoneNumbers', 'must be an object of phone-number ARNs', value);
  }
  return value as Record<string, PhoneNumberSetting>;
};
