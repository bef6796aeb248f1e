import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SNSEvent, SNSEventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Random, seededUuid } from '../local-aws/random';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:SmsConnectBridge-InboundTopic`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:SmsConnectBridge-Queue`;
const OUTBOUND_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:SmsConnectBridge-OutboundQueue`;
/** The participant-mode streaming topic, as local bridges name it. */
export const STREAMING_TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:SmsConnectBridge-StreamingTopic`;
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';

/** What End User Messaging publishes for one inbound SMS. */
export interface InboundSmsPayload {
  readonly originationNumber: string;
  readonly destinationNumber: string;
  readonly messageBody: string;
  readonly inboundMessageId: string;
  readonly messageKeyword?: string;
  readonly previousPublishedMessageId?: string;
}

/**
 * An inbound SMS with a fresh `inboundMessageId` and the account's default
 * keyword, as End User Messaging sends when no registered keyword matched.
 */
export const inboundSms = (
  fields: Pick<
    InboundSmsPayload,
    'originationNumber' | 'destinationNumber' | 'messageBody'
  > &
    Partial<InboundSmsPayload>
): InboundSmsPayload => ({
  messageKeyword: `keyword_${ACCOUNT}`,
  inboundMessageId: randomUUID(),
  ...fields,
});

/**
 * The payload as End User Messaging writes it: one field a line, no space
 * after the colon. A string is taken as the message exactly (a bad payload).
 */
export const smsMessage = (payload: unknown): string =>
  typeof payload === 'string' ? payload : formatJson(payload, ':');

/**
 * The SNS notification SQS receives when raw message delivery is off, laid
 * out as SNS lays it out (`"Type" : "Notification"`); `seeded` makes its
 * id and signature reproducible.
 */
export const snsNotificationBody = (
  message: string,
  publishedAt: Date = new Date(),
  seeded?: { readonly messageId: string; readonly random: Random },
  topicArn = TOPIC_ARN,
  attributes?: Record<string, unknown>
): string =>
  formatJson(
    {
      Type: 'Notification',
      MessageId: seeded?.messageId ?? randomUUID(),
      TopicArn: topicArn,
      Message: message,
      Timestamp: publishedAt.toISOString(),
      SignatureVersion: '1',
      Signature: (seeded === undefined
        ? randomBytes(128)
        : Buffer.from(
            Array.from({ length: 128 }, () => Math.floor(seeded.random() * 256))
          )
      ).toString('base64'),
      SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
      UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${seeded ? seededUuid(seeded.random) : randomUUID()}`,
      ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
    },
    ' : '
  );

export interface SqsRecordOptions {
  /** @default - a fresh id, as for a new SQS message */
  readonly messageId?: string;
  /** @default 1 */
  readonly receiveCount?: number;
  /** @default - the bridge's inbound queue */
  readonly queueArn?: string;
}

/** An SQS record of the bridge's queue around a message body. */
export const sqsRecord = (
  body: string,
  options: SqsRecordOptions = {}
): SQSRecord => {
  const sent = Date.now();
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: randomBytes(48).toString('base64'),
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(sent),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(sent + 10),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn ?? QUEUE_ARN,
    awsRegion: REGION,
  };
};

export interface SmsRecordOptions extends SqsRecordOptions {
  /**
   * The subscription has raw message delivery on: the body is the payload.
   * @default false - the body is SNS's notification around the payload
   */
  readonly raw?: boolean;
  /** When SNS published it (the notification's `Timestamp`). @default now */
  readonly publishedAt?: Date;
}

/** An SQS record carrying an inbound SMS as the topic delivers it. */
export const smsRecord = (
  payload: unknown,
  options: SmsRecordOptions = {}
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
  Records: payloads.map(
    (payload): SNSEventRecord => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: TOPIC_ARN,
        Subject: '',
        Message: smsMessage(payload),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: randomBytes(128).toString('base64'),
        SigningCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`,
        UnsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}`,
        MessageAttributes: {},
      },
    })
  ),
});

export type ParticipantRole =
  | 'AGENT'
  | 'CUSTOMER'
  | 'SYSTEM'
  | 'CUSTOM_BOT'
  | 'SUPERVISOR';

/** One chat item as Connect streams it (a participant service `Item`). */
export interface StreamedItem {
  /** The chat's first contact; the bridge's session knows it. */
  readonly initialContactId: string;
  /** @default - the initial contact (no transfer yet) */
  readonly contactId?: string;
  /** @default - none, as on events that no participant sent */
  readonly role?: ParticipantRole;
  /** @default 'ALL' */
  readonly visibility?: 'AGENT' | 'CUSTOMER' | 'ALL';
  /** @default 'MESSAGE' */
  readonly type?: 'MESSAGE' | 'EVENT' | 'ATTACHMENT';
  /** @default 'text/plain' */
  readonly contentType?: string;
  readonly content?: string;
  /** An `ATTACHMENT` item's files, as the participant service lists them. */
  readonly attachments?: readonly {
    readonly ContentType: string;
    readonly AttachmentId: string;
    readonly AttachmentName: string;
    readonly Status: 'APPROVED' | 'REJECTED' | 'IN_PROGRESS';
  }[];
  /** @default - a fresh id */
  readonly id?: string;
}

/** Connect's event content types that the bridge acts on or skips. */
export const CHAT_EVENT = {
  chatEnded: 'application/vnd.amazonaws.connect.event.chat.ended',
  participantLeft: 'application/vnd.amazonaws.connect.event.participant.left',
  typing: 'application/vnd.amazonaws.connect.event.typing',
} as const;

/**
 * A record of the outbound queue: the item as Connect publishes it to the
 * streaming topic (the item in `Message`, its facts again as message
 * attributes) in the SNS envelope SQS receives without raw delivery. Laid
 * out as the Amazon Connect guide's example ("sns-payload").
 */
export const streamedItemRecord = (
  item: StreamedItem,
  options: Omit<SqsRecordOptions, 'queueArn'> = {}
): SQSRecord => {
  const type = item.type ?? 'MESSAGE';
  const contentType = item.contentType ?? 'text/plain';
  const contactId = item.contactId ?? item.initialContactId;
  const message = {
    AbsoluteTime: new Date().toISOString(),
    ...(item.content === undefined ? {} : { Content: item.content }),
    ...(item.attachments === undefined
      ? {}
      : { Attachments: item.attachments }),
    ContentType: contentType,
    Id: item.id ?? randomUUID(),
    Type: type,
    ...(item.role === undefined
      ? {}
      : {
          ParticipantId: randomUUID(),
          DisplayName: item.role === 'CUSTOMER' ? 'Customer' : 'Jane',
          ParticipantRole: item.role,
        }),
    InitialContactId: item.initialContactId,
    ContactId: contactId,
  };
  const attribute = (Value: string) => ({ Type: 'String', Value });
  const body = snsNotificationBody(
    JSON.stringify(message),
    new Date(),
    undefined,
    STREAMING_TOPIC_ARN,
    {
      InitialContactId: attribute(item.initialContactId),
      MessageVisibility: attribute(item.visibility ?? 'ALL'),
      Type: attribute(type),
      AccountId: attribute(ACCOUNT),
      ContentType: attribute(contentType),
      InstanceId: attribute(INSTANCE_ID),
      ContactId: attribute(contactId),
      ...(item.role === undefined
        ? {}
        : { ParticipantRole: attribute(item.role) }),
    }
  );
  return sqsRecord(body, { ...options, queueArn: OUTBOUND_QUEUE_ARN });
};

/** A flat JSON object, one member a line, with the given separator. */
const formatJson = (value: unknown, separator: string): string => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return JSON.stringify(value);
  }
  const members = Object.entries(value).map(
    ([key, member]) =>
      `  ${JSON.stringify(key)}${separator}${JSON.stringify(member)}`
  );
  return `{\n${members.join(',\n')}\n}`;
};
