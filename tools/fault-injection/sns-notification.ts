import { type Random, seededUuid } from './random';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:SmsConnectBridge-InboundTopic`;

/**
 * The SNS notification SQS holds for a published message (raw message
 * delivery off, as the bridge subscribes its queue), laid out as SNS lays
 * it out, with ids and signature from the seeded generator.
 */
export const snsNotification = (
  message: string,
  messageId: string,
  timestamp: Date,
  random: Random
): string => {
  const fields = {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: TOPIC_ARN,
    Message: message,
    Timestamp: timestamp.toISOString(),
    SignatureVersion: '1',
    Signature: Buffer.from(
      Array.from({ length: 128 }, () => Math.floor(random() * 256))
    ).toString('base64'),
    SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
    UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:${seededUuid(random)}`,
  };
  const members = Object.entries(fields).map(
    ([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`
  );
  return `{\n${members.join(',\n')}\n}`;
};

/** The notification's MessageId: the same for every copy SNS delivers. */
export const snsMessageIdOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { MessageId?: unknown }).MessageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};
