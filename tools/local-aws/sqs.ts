import { createHash, randomUUID } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchRequest,
  MessageAttributeValue,
  SendMessageRequest,
} from '@aws-sdk/client-sqs';
import { awsError, type RecordedRequest, type Reply } from './endpoint';
import { seededUuid } from './random';

export interface StoredMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly MessageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

export interface QueueOptions {
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
  /** The share of receives SQS hands out again while they are in flight. */
  readonly redeliveryWhileInFlightRate?: number;
  /** For redeliveries and message ids. @default Math.random, random ids */
  readonly random?: () => number;
}

export const MAX_RECEIVE_COUNT_EXCEEDED = 'maxReceiveCount exceeded';

export type Queue = ReturnType<typeof createQueue>;
export type ReceivedMessage = ReturnType<Queue['receive']>[number];

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues-at-least-once-delivery.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
export const createQueue = ({
  random,
  visibilityTimeoutSeconds = 30,
  maxReceiveCount = Number.POSITIVE_INFINITY,
  redeliveryWhileInFlightRate = 0,
}: QueueOptions = {}) => {
  // hiddenUntil: when the latest receive's visibility timeout ends.
  const held = new Map<
    string,
    { stored: StoredMessage; sentAt: number; receiveCount: number } & {
      firstReceivedAt?: number;
      visibleAt: number;
      hiddenUntil: number;
      receiptHandle?: string;
    }
  >();
  const redriven: { body: string; receiveCount: number; reason: string }[] = [];
  const stats = {
    receives: 0,
    visibilityChanges: 0,
    redeliveredWhileInFlight: 0,
  };
  let handles = 0;
  /** The message whose latest receipt handle (`<MessageId>#<n>`) it is. */
  const byHandle = (handle: string) => {
    const message = held.get(handle.slice(0, handle.lastIndexOf('#')));
    return message?.receiptHandle === handle ? message : undefined;
  };

  return {
    send: (
      Body: string,
      at: number,
      MessageAttributes: StoredMessage['MessageAttributes'] = {}
    ): StoredMessage => {
      const MessageId = random ? seededUuid(random) : randomUUID();
      const stored = { MessageId, Body, MessageAttributes };
      const message = { stored, sentAt: at, receiveCount: 0 };
      held.set(MessageId, { ...message, visibleAt: at, hiddenUntil: at });
      return stored;
    },
    receive: (max: number, now: number) => {
      const received = [];
      const oldestFirst = [...held.values()].sort(
        (a, b) => a.sentAt - b.sentAt
      );
      for (const message of oldestFirst) {
        if (received.length >= max) break;
        if (message.visibleAt > now) continue;
        const { stored, receiveCount } = message;
        if (receiveCount >= maxReceiveCount) {
          held.delete(stored.MessageId);
          const reason = MAX_RECEIVE_COUNT_EXCEEDED;
          redriven.push({ body: stored.Body, receiveCount, reason });
          continue;
        }
        if (message.hiddenUntil > now) stats.redeliveredWhileInFlight++;
        message.receiveCount++;
        message.firstReceivedAt ??= now;
        const receiptHandle = `${stored.MessageId}#${++handles}`;
        message.receiptHandle = receiptHandle;
        message.hiddenUntil = now + visibilityTimeoutSeconds * 1000;
        // The copy that missed this receive is handed out again at once.
        const stray = (random ?? Math.random)() < redeliveryWhileInFlightRate;
        message.visibleAt = stray ? now : message.hiddenUntil;
        stats.receives++;
        received.push({
          messageId: stored.MessageId,
          body: stored.Body,
          sentAt: message.sentAt,
          receiptHandle,
          receiveCount: message.receiveCount,
          firstReceivedAt: message.firstReceivedAt,
        });
      }
      return received;
    },
    // An earlier receive's handle may leave the message (SQS says success):
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
    delete: (receiptHandle: string): boolean => {
      const message = byHandle(receiptHandle);
      if (message) held.delete(message.stored.MessageId);
      return message !== undefined;
    },
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
    changeVisibility: (handle: string, seconds: number, now: number) => {
      const message = byHandle(handle);
      if (message === undefined || message.hiddenUntil <= now) return false;
      // A copy handed out again at once stays visible.
      const handedOutAgain = message.visibleAt < message.hiddenUntil;
      message.hiddenUntil = now + seconds * 1000;
      if (!handedOutAgain) message.visibleAt = message.hiddenUntil;
      stats.visibilityChanges++;
      return true;
    },
    isEmpty: () => held.size === 0,
    nextVisibleAt: () =>
      held.size === 0
        ? undefined
        : Math.min(...[...held.values()].map(({ visibleAt }) => visibleAt)),
    messages: () => [...held.values()].map(({ stored }) => stored),
    deadLetters: () => [...redriven],
    statistics: () => ({ ...stats, redriven: redriven.length }),
  };
};

export type SqsResponderOptions = { readonly now?: () => number };

/**
 * SendMessage and ChangeMessageVisibilityBatch by queue URL:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html
 * A queue that handed out nothing (a test's hand-built event) takes any
 * handle. For a message not in flight the page lists ReceiptHandleIsInvalid
 * and MessageNotInflight; SQS answers the undocumented text below.
 */
export const sqsResponder = (options: SqsResponderOptions = {}) => {
  const now = options.now ?? Date.now;
  const queues = new Map<string, Queue>();
  const changes: {
    queueUrl: string;
    receiptHandle: string;
    visibilityTimeout: number;
  }[] = [];
  /** `queueOptions` (re)creates the queue. */
  const queue = (queueUrl: string, queueOptions?: QueueOptions): Queue => {
    if (queueOptions || !queues.has(queueUrl)) {
      queues.set(queueUrl, createQueue(queueOptions));
    }
    return queues.get(queueUrl) as Queue;
  };

  /** Why an entry fails, if it does. */
  const refusal = (model: Queue, handle: string, timeout: number) =>
    !Number.isInteger(timeout) || timeout < 0 || timeout > 43_200
      ? ['InvalidParameterValue', 'VisibilityTimeout is 0-43200']
      : !handle
        ? ['ReceiptHandleIsInvalid', 'The receipt handle is missing']
        : model.statistics().receives > 0 &&
            !model.changeVisibility(handle, timeout, now())
          ? [
              'InvalidParameterValue',
              'Message does not exist or is not available for visibility timeout change',
            ]
          : undefined;

  const changeBatch = ({
    QueueUrl: queueUrl,
    Entries: entries = [],
  }: Partial<ChangeMessageVisibilityBatchRequest>): Reply => {
    if (!queueUrl) {
      return awsError(400, 'MissingParameter', 'QueueUrl is required');
    }
    const ids = entries.map(({ Id }) => Id);
    const refused =
      entries.length === 0
        ? 'EmptyBatchRequest'
        : entries.length > 10
          ? 'TooManyEntriesInBatchRequest'
          : !ids.every((id) => id && /^[\w-]{1,80}$/.test(id))
            ? 'InvalidBatchEntryId'
            : new Set(ids).size !== ids.length
              ? 'BatchEntryIdsNotDistinct'
              : undefined;
    if (refused) return awsError(400, refused);
    const Successful: { Id?: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const { Id, ...entry } of entries) {
      const receiptHandle = entry.ReceiptHandle ?? '';
      const visibilityTimeout = entry.VisibilityTimeout ?? -1;
      const model = queue(queueUrl);
      const [Code, Message] =
        refusal(model, receiptHandle, visibilityTimeout) ?? [];
      if (Code) Failed.push({ Id, Code, Message, SenderFault: true });
      else Successful.push({ Id });
      if (!Code) changes.push({ queueUrl, receiptHandle, visibilityTimeout });
    }
    return { status: 200, body: { Successful, Failed } };
  };

  const respond = ({ headers, json }: RecordedRequest): Reply => {
    const target = String(headers['x-amz-target']);
    const input = (json ?? {}) as Partial<SendMessageRequest>;
    if (target === 'AmazonSQS.ChangeMessageVisibilityBatch') {
      return changeBatch(input);
    }
    if (target !== 'AmazonSQS.SendMessage') {
      return awsError(400, 'UnsupportedOperation', target);
    }
    if (!input.QueueUrl || !input.MessageBody) {
      return awsError(400, 'MissingParameter');
    }
    const { MessageId, Body } = queue(input.QueueUrl).send(
      input.MessageBody,
      now(),
      input.MessageAttributes
    );
    // The SDK checks this digest (not that of the message attributes).
    const MD5OfMessageBody = createHash('md5').update(Body).digest('hex');
    return { status: 200, body: { MessageId, MD5OfMessageBody } };
  };

  return {
    respond,
    queue,
    messages: (queueUrl: string): StoredMessage[] => queue(queueUrl).messages(),
    visibilityChanges: (queueUrl: string) =>
      changes.filter((change) => change.queueUrl === queueUrl),
  };
};
