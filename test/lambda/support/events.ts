import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';

const TOPIC_ARN =
  'arn:aws:sns:us-east-1:111122223333:sms-connect-bridge-InboundTopic';

export interface InboundSmsPayload {
  readonly originationNumber?: unknown;
  readonly destinationNumber?: unknown;
  readonly messageBody?: unknown;
  readonly inboundMessageId?: unknown;
  readonly messageKeyword?: unknown;
  readonly previousPublishedMessageId?: unknown;
}

/** The JSON End User Messaging publishes for one inbound text. */
export const inboundSmsJson = (payload: InboundSmsPayload): string =>
  JSON.stringify(payload);

/** The SNS notification envelope an SQS subscription without raw delivery gets. */
export const snsEnvelope = (message: string, snsMessageId: string): string =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: snsMessageId,
    TopicArn: TOPIC_ARN,
    Message: message,
    Timestamp: '2026-11-20T17:04:11.512Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL:
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:0d1b2c3d`,
  });

export const sqsRecord = (body: string, messageId: string): SQSRecord => ({
  messageId,
  receiptHandle: `receipt-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1795280651530',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1795280651545',
  },
  messageAttributes: {},
  md5OfBody: '376482df337e25740f572e70e88e8459',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:sms-connect-bridge-Queue',
  awsRegion: 'us-east-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({
  Records: records,
});

/** What Lambda gets when the topic is subscribed to the function itself. */
export const snsEvent = (message: string, snsMessageId: string): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC_ARN}:fdaa4474-f0ff-4777-b1c4-79b96f5a504f`,
      Sns: {
        Type: 'Notification',
        MessageId: snsMessageId,
        TopicArn: TOPIC_ARN,
        Message: message,
        Timestamp: '2026-11-20T17:04:11.512Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl:
          'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
        UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:fdaa4474`,
        MessageAttributes: {},
      },
    },
  ],
});
