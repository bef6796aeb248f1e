/**
 * The settings contract between the constructs (lib/) and the functions
 * (lambda/): the environment variables that carry each setting, and each
 * rule a setting must meet, written once. The constructs check values
 * with these rules at synth time, naming the setting; the functions check
 * what they read at start-up, naming the variable. No CDK or SDK imports,
 * so that a bundle takes only the few rules it uses.
 */

/** Each queue-fed function's timeout, in seconds. */
export const QUEUE_FUNCTION_TIMEOUT_SECONDS = 30;

/**
 * The queues' visibility timeout: six times the function's timeout, as
 * Lambda advises for SQS event sources. A failed text whose wait could not
 * be shortened comes back after it.
 */
export const QUEUE_VISIBILITY_TIMEOUT_SECONDS =
  6 * QUEUE_FUNCTION_TIMEOUT_SECONDS;

/**
 * How often the inbound queue hands out a text before the dead-letter queue,
 * unless set. Sized so that throttling alone never dead-letters a text: while
 * a burst drains, a text may be received and throttled again and again, so
 * the least time its receives span must cover the longest drain, 10,000
 * texts at Connect's default 2 calls/s at 95% of the quota: 10,000 / 1.9 =
 * 5,264 s. 43 receives span at least 5,355 s (255 s for the first 8 delays,
 * 150 s for each of the 34 after); docs/capacity.md shows the arithmetic.
 * The construct sets `MAX_RECEIVE_COUNT` only when it differs, to spare the
 * functions' 4 KB of environment.
 */
export const DEFAULT_MAX_RECEIVE_COUNT = 43;

/** The environment variables the constructs set and the functions read. */
export const ENV = {
  phoneNumbers: 'PHONE_NUMBERS',
  subtype: 'CHAT_SUBTYPE',
  disconnectKeywords: 'DISCONNECT_KEYWORDS',
  keywordMatch: 'KEYWORD_MATCH',
  displayName: 'DISPLAY_NAME',
  contactAttributes: 'CONTACT_ATTRIBUTES',
  numberAttributes: 'NUMBER_ATTRIBUTES',
  supportedContentTypes: 'SUPPORTED_CONTENT_TYPES',
  streamingEndpointArn: 'STREAMING_ENDPOINT_ARN',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  queueUrl: 'QUEUE_URL',
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  deduplicationWindowSeconds: 'DEDUPLICATION_WINDOW_SECONDS',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  selfManagedOptOuts: 'SELF_MANAGED_OPT_OUTS',
  optOutListName: 'OPT_OUT_LIST_NAME',
  optOutConfirmationText: 'OPT_OUT_CONFIRMATION_TEXT',
  helpKeywords: 'HELP_KEYWORDS',
  helpText: 'HELP_TEXT',
  // Participant delivery: both of its functions.
  instanceId: 'CONNECT_INSTANCE_ID',
  contactFlowIds: 'CONTACT_FLOW_IDS',
  sessionTableName: 'SESSION_TABLE_NAME',
  chatStreamingTopicArn: 'CHAT_STREAMING_TOPIC_ARN',
  sentPartKeyPrefix: 'SENT_PART_KEY_PREFIX',
  attachmentNotice: 'ATTACHMENT_NOTICE',
  unsupportedMessageNotice: 'UNSUPPORTED_MESSAGE_NOTICE',
  // The opt-out sweep.
  stateTableName: 'SWEEP_STATE_TABLE_NAME',
} as const;

/** A variable's name in `ENV`. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** E.164: a plus sign, a non-zero country digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** An E.164 number at its longest: "+" and 15 digits, one byte each. */
export const MAX_NUMBER_BYTES = 16;

/** Connect's rule for contact attribute keys (StartChatContact, NewSessionDetails). */
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]+$/;
/** Connect's limit on all contact attributes of a chat, in UTF-8 bytes. */
export const MAX_ATTRIBUTE_BYTES = 32_768;

/**
 * What a new chat's attributes weigh against `MAX_ATTRIBUTE_BYTES`: the
 * keys and values, and each phone-number attribute at its longest.
 */
export const attributeBytes = (
  attributes: Readonly<Record<string, string>>,
  numberAttributeNames: readonly string[]
): number =>
  numberAttributeNames.reduce(
    (sum, name) => sum + byteLength(name) + MAX_NUMBER_BYTES,
    Object.entries(attributes).reduce(
      (sum, [key, value]) => sum + byteLength(key) + byteLength(value),
      0
    )
  );

/** Connect's limit on a chat participant's `DisplayName`. */
export const MAX_DISPLAY_NAME_CHARACTERS = 256;
export const isDisplayName = (name: string): boolean =>
  name.trim().length >= 1 && name.length <= MAX_DISPLAY_NAME_CHARACTERS;

/** End User Messaging's limit on `SendTextMessage.MessageBody`. */
export const MAX_TEXT_MESSAGE_CHARACTERS = 1600;
/** A text End User Messaging accepts as a `MessageBody`: not blank, not too long. */
export const isTextMessage = (text: string): boolean =>
  text.trim() !== '' && [...text].length <= MAX_TEXT_MESSAGE_CHARACTERS;

/** End User Messaging's keyword rule: 1 to 30 characters, no outer space. */
export const isKeyword = (keyword: string): boolean =>
  keyword.length >= 1 && keyword.length <= 30 && keyword.trim() === keyword;

/** End User Messaging's rule for `OptOutListName`. */
export const OPT_OUT_LIST_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Connect's flow ids are UUIDs (the last part of the flow's ARN). */
export const CONTACT_FLOW_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const CHAT_SUBTYPES = ['connect:sms', 'connect:WhatsApp'] as const;
export type ChatSubtype = (typeof CHAT_SUBTYPES)[number];

/** What `SupportedMessagingContentTypes` may hold; it must hold text/plain. */
export const CONTENT_TYPES = [
  'text/plain',
  'text/markdown',
  'application/json',
  'application/vnd.amazonaws.connect.message.interactive',
  'application/vnd.amazonaws.connect.message.interactive.response',
] as const;

/**
 * How a text is matched against keywords (opt-out and HELP alike):
 *
 * - `whole-message`: the text is the keyword and nothing else, in any case,
 *   with whitespace, punctuation and symbols (emoji among them) around it
 *   ignored ("STOP", " stop. ", "Stop!!! 🛑" match; "Cancel my
 *   appointment" and "stop please" do not). The industry's convention for
 *   opt-outs, and what keeps ordinary sentences from opting anyone out.
 * - `begins-with`: End User Messaging's own rule, the text *begins* with the
 *   keyword as a whole word ("Stop." and "stop please" match, "stopped by"
 *   and "please stop" do not).
 */
export const KEYWORD_MATCHES = ['whole-message', 'begins-with'] as const;
export type KeywordMatch = (typeof KEYWORD_MATCHES)[number];

const byteLength = (text: string): number => Buffer.byteLength(text);
