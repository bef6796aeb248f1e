import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  AttachmentItem,
  ParticipantRole,
} from '@aws-sdk/client-connectparticipant';
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { InboundSms } from '../../lambda/inbound-sms/schema';
import { type Random, seededUuid } from '../local-aws/random';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const ARN = `${REGION}:${ACCOUNT}:SmsConnectBridge`;
const TOPIC_ARN = `arn:aws:sns:${ARN}-InboundTopic`;
export const STREAMING_TOPIC_ARN = `arn:aws:sns:${ARN}-StreamingTopic`;

/** What End User Messaging publishes for one SMS no registered keyword matched. */
export const inboundSms = (
  fields: Omit<InboundSms, 'inboundMessageId'> & { inboundMessageId?: string }
) => ({
  messageKeyword: `keyword_${ACCOUNT}`,
  inboundMessageId: randomUUID(),
  ...fields,
});
export type InboundSmsPayload = ReturnType<typeof inboundSms>;

/** The payload as End User Messaging lays it out; a string is taken as is. */
export const smsMessage = (payload: unknown): string =>
  typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);

/** The SNS notification SQS receives without raw delivery, laid out as SNS does. */
export const snsNotificationBody = (
  message: string,
  publishedAt: Date = new Date(),
  seeded?: { readonly messageId: string; readonly random: Random },
  topicArn = TOPIC_ARN,
  attributes?: Record<string, unknown>
): string => {
  const bytes = Array.from({ length: 128 }, () =>
    Math.floor((seeded?.random ?? Math.random)() * 256)
  );
  const body = JSON.stringify(
    {
      Type: 'Notification',
      MessageId: seeded?.messageId ?? randomUUID(),
      TopicArn: topicArn,
      Message: message,
      Timestamp: publishedAt.toISOString(),
      SignatureVersion: '1',
      Signature: Buffer.from(bytes).toString('base64'),
      SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
      UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${seeded ? seededUuid(seeded.random) : randomUUID()}`,
      ...(attributes && { MessageAttributes: attributes }),
    },
    null,
    2
  );
  // SNS writes its own members as `"Type" : "Notification"`.
  return body.replace(/^( {2}"\w+"):/gm, '$1 :');
};

type SqsRecordOptions = {
  readonly messageId?: string;
  readonly receiveCount?: number;
};

export const sqsRecord = (
  body: string,
  { messageId = randomUUID(), receiveCount = 1 }: SqsRecordOptions = {},
  queueArn = `arn:aws:sqs:${ARN}-Queue`
): SQSRecord => ({
  messageId,
  receiptHandle: randomBytes(48).toString('base64'),
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: String(Date.now()),
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: String(Date.now() + 10),
  },
  messageAttributes: {},
  md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: REGION,
});

/** An SQS record carrying an inbound SMS in SNS's notification, or as is with `raw` delivery. */
export const smsRecord = (
  payload: unknown,
  options: SqsRecordOptions & {
    readonly raw?: boolean;
    readonly publishedAt?: Date;
  } = {}
): SQSRecord => {
  const message = smsMessage(payload);
  return sqsRecord(
    options.raw ? message : snsNotificationBody(message, options.publishedAt),
    options
  );
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({
  Records: records,
});

/** A direct SNS event, as when the topic invokes the function itself. */
export const snsEvent = (...payloads: unknown[]): SNSEvent => ({
  Records: payloads.map((payload) => {
    const { SigningCertURL, UnsubscribeURL, ...notification } = JSON.parse(
      snsNotificationBody(smsMessage(payload))
    );
    return {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
      Sns: {
        ...notification,
        Subject: '',
        SigningCertUrl: SigningCertURL,
        UnsubscribeUrl: UnsubscribeURL,
        MessageAttributes: {},
      },
    };
  }),
});

/** One chat item as Connect streams it; `contactId` differs after a transfer. */
export interface StreamedItem {
  readonly initialContactId: string;
  readonly contactId?: string | undefined;
  readonly role?: ParticipantRole;
  readonly visibility?: 'AGENT' | 'CUSTOMER' | 'ALL';
  readonly type?: 'MESSAGE' | 'EVENT' | 'ATTACHMENT';
  readonly contentType?: string;
  readonly content?: string;
  readonly attachments?: readonly AttachmentItem[];
  readonly id?: string;
}

/** The item in SNS's envelope, its facts again as attributes (Connect guide's "sns-payload"). */
export const streamedItemRecord = ({
  initialContactId,
  contactId = initialContactId,
  role,
  visibility = 'ALL',
  type = 'MESSAGE',
  contentType = 'text/plain',
  content,
  attachments,
  id = randomUUID(),
}: StreamedItem): SQSRecord => {
  const facts = {
    InitialContactId: initialContactId,
    ContactId: contactId,
    Type: type,
    ContentType: contentType,
    ...(role && { ParticipantRole: role }),
  };
  const message = {
    AbsoluteTime: new Date().toISOString(),
    Content: content,
    Attachments: attachments,
    Id: id,
    ...(role && {
      ParticipantId: randomUUID(),
      DisplayName: role === 'CUSTOMER' ? 'Customer' : 'Jane',
    }),
    ...facts,
  };
  const attributes = {
    ...facts,
    MessageVisibility: visibility,
    AccountId: ACCOUNT,
    InstanceId: '11111111-2222-3333-4444-555555555555',
  };
  const body = snsNotificationBody(
    JSON.stringify(message),
    new Date(),
    undefined,
    STREAMING_TOPIC_ARN,
    Object.fromEntries(
      Object.entries(attributes).map(([name, Value]) => [
        name,
        { Type: 'String', Value },
      ])
    )
  );
  return sqsRecord(body, {}, `arn:aws:sqs:${ARN}-OutboundQueue`);
};
