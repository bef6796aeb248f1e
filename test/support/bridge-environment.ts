/** The customer who texts in; personal data that must never be logged. */
export const CUSTOMER_NUMBER = '+12065550123';
/** The bridge's End User Messaging number and its phone-number ARN. */
export const BRIDGE_NUMBER = '+12065550100';
export const BRIDGE_NUMBER_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';
/** A well-formed number the bridge has no ARN for. */
export const UNKNOWN_NUMBER = '+12065550199';

export const DEAD_LETTER_QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/111122223333/sms-connect-bridge-DeadLetterQueue';
export const QUEUE_URL =
  'https://sqs.us-east-1.amazonaws.com/111122223333/sms-connect-bridge-Queue';
export const CONTACT_ATTRIBUTES = { channel: 'sms', queue: 'Support_EN' };
/** The phone-number attributes as the construct names them by default. */
export const NUMBER_ATTRIBUTES = {
  customerNumber: 'customerPhoneNumber',
  systemNumber: 'systemPhoneNumber',
};

/**
 * What the construct sets on the function, plus what the Lambda runtime
 * adds itself (region and function name).
 */
export const bridgeEnvironment = (): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'sms-connect-bridge-Function',
  POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'SmsConnectBridge',
  PHONE_NUMBERS: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  CHAT_SUBTYPE: 'connect:sms',
  DISCONNECT_KEYWORDS: JSON.stringify([
    'ARRET',
    'CANCEL',
    'END',
    'OPT-OUT',
    'OPTOUT',
    'QUIT',
    'REMOVE',
    'STOP',
    'TD',
    'UNSUBSCRIBE',
  ]),
  KEYWORD_MATCH: 'whole-message',
  NUMBER_ATTRIBUTES: JSON.stringify(NUMBER_ATTRIBUTES),
  CONTACT_ATTRIBUTES: JSON.stringify(CONTACT_ATTRIBUTES),
  SUPPORTED_CONTENT_TYPES: JSON.stringify(['text/plain']),
  DEAD_LETTER_QUEUE_URL,
  QUEUE_URL,
  IDEMPOTENCY_TABLE_NAME: 'sms-connect-bridge-IdempotencyTable',
  DEDUPLICATION_WINDOW_SECONDS: '86400',
});
