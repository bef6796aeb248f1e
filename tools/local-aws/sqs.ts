import { createHash, randomUUID } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchRequestEntry,
  MessageAttributeValue,
  SendMessageRequest,
} from '@aws-sdk/client-sqs';
import { awsError, type RecordedRequest, type Reply } from './endpoint';
import { seededUuid } from './random';

/**
 * One model of a standard SQS queue, driven in memory by the fault-injection
 * event source on a simulated clock, and over HTTP by the bundles
 * (`sqsResponder`). Visibility timeout:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 * at-least-once delivery:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues-at-least-once-delivery.html
 * redrive after maxReceiveCount:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
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

/** `sentAt` and `firstReceivedAt` are in the queue's time (ms). */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  readonly receiptHandle: string;
  readonly receiveCount: number;
  readonly firstReceivedAt: number;
}

export const MAX_RECEIVE_COUNT_EXCEEDED = 'maxReceiveCount exceeded';

export interface RedrivenMessage {
  readonly body: string;
  readonly receiveCount: number;
  readonly reason: typeof MAX_RECEIVE_COUNT_EXCEEDED;
}

interface Held {
  readonly stored: StoredMessage;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  /** When the latest receive's visibility timeout ends. */
  hiddenUntil: number;
  receiptHandle?: string;
}

export type Queue = ReturnType<typeof createQueue>;

export const createQueue = ({
  random,
  visibilityTimeoutSeconds = 30,
  maxReceiveCount = Number.POSITIVE_INFINITY,
  redeliveryWhileInFlightRate = 0,
}: QueueOptions = {}) => {
  const held = new Map<string, Held>();
  const redriven: RedrivenMessage[] = [];
  const stats = {
    sent: 0,
    receives: 0,
    staleDeletes: 0,
    visibilityChanges: 0,
    staleVisibilityChanges: 0,
    redeliveredWhileInFlight: 0,
    redriven: 0,
  };
  let handles = 0;
  /** The message whose latest receipt handle (`<MessageId>#<n>`) it is. */
  const byHandle = (handle: string) => {
    const message = held.get(handle.slice(0, handle.lastIndexOf('#')));
    return message?.receiptHandle === handle ? message : undefined;
  };

  return {
    send: (
      body: string,
      at: number,
      attributes: StoredMessage['MessageAttributes'] = {}
    ): StoredMessage => {
      const stored = {
        MessageId: random === undefined ? randomUUID() : seededUuid(random),
        Body: body,
        MessageAttributes: attributes,
      };
      held.set(stored.MessageId, {
        stored,
        sentAt: at,
        receiveCount: 0,
        visibleAt: at,
        hiddenUntil: at,
      });
      stats.sent++;
      return stored;
    },
    /**
     * Up to `max` visible messages, oldest first (as SQS mostly, not
     * strictly, returns them), each hidden for the visibility timeout; one
     * received `maxReceiveCount` times moves to the dead-letter queue.
     */
    receive: (max: number, now: number): ReceivedMessage[] => {
      const received: ReceivedMessage[] = [];
      const oldestFirst = [...held.values()].sort(
        (a, b) => a.sentAt - b.sentAt
      );
      for (const message of oldestFirst) {
        if (received.length >= max) break;
        if (message.visibleAt > now) continue;
        const { stored } = message;
        if (message.receiveCount >= maxReceiveCount) {
          held.delete(stored.MessageId);
          redriven.push({
            body: stored.Body,
            receiveCount: message.receiveCount,
            reason: MAX_RECEIVE_COUNT_EXCEEDED,
          });
          stats.redriven++;
          continue;
        }
        if (message.hiddenUntil > now) stats.redeliveredWhileInFlight++;
        message.receiveCount++;
        message.firstReceivedAt ??= now;
        message.receiptHandle = `${stored.MessageId}#${++handles}`;
        message.hiddenUntil = now + visibilityTimeoutSeconds * 1000;
        // The copy that missed this receive is handed out again at once.
        const stray = (random ?? Math.random)() < redeliveryWhileInFlightRate;
        message.visibleAt = stray ? now : message.hiddenUntil;
        stats.receives++;
        received.push({
          messageId: stored.MessageId,
          body: stored.Body,
          sentAt: message.sentAt,
          receiptHandle: message.receiptHandle,
          receiveCount: message.receiveCount,
          firstReceivedAt: message.firstReceivedAt,
        });
      }
      return received;
    },
    /**
     * Only the latest receive's handle deletes the message; SQS answers
     * success for an earlier one, but may leave the message
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
     */
    delete: (receiptHandle: string): boolean => {
      const message = byHandle(receiptHandle);
      if (message === undefined) stats.staleDeletes++;
      else held.delete(message.stored.MessageId);
      return message !== undefined;
    },
    /**
     * Fails for a message not in flight
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
     */
    changeVisibility: (
      receiptHandle: string,
      seconds: number,
      now: number
    ): boolean => {
      const message = byHandle(receiptHandle);
      if (message === undefined || message.hiddenUntil <= now) {
        stats.staleVisibilityChanges++;
        return false;
      }
      // A copy handed out again at once stays visible.
      const handedOutAgain = message.visibleAt < message.hiddenUntil;
      message.hiddenUntil = now + seconds * 1000;
      if (!handedOutAgain) message.visibleAt = message.hiddenUntil;
      stats.visibilityChanges++;
      return true;
    },
    isEmpty: () => held.size === 0,
    nextVisibleAt: (): number | undefined => {
      const times = [...held.values()].map(({ visibleAt }) => visibleAt);
      return times.length === 0 ? undefined : Math.min(...times);
    },
    messages: () => [...held.values()].map(({ stored }) => stored),
    deadLetters: () => [...redriven],
    statistics: () => ({ ...stats }),
  };
};

export interface VisibilityChange {
  readonly queueUrl: string;
  readonly receiptHandle: string;
  readonly visibilityTimeout: number;
}

type EntryFailure = Omit<BatchResultErrorEntry, 'Id'>;

export interface SqsResponderOptions {
  readonly now?: () => number;
  /** Answers instead of the queue; throwing fails the call with a 500. */
  readonly changeVisibility?: (
    change: VisibilityChange
  ) => EntryFailure | undefined;
}

const refusal = (Code: string, Message: string): EntryFailure => ({
  Code,
  Message,
  SenderFault: true,
});

/**
 * The HTTP face of the queues, by queue URL: SendMessage and
 * ChangeMessageVisibilityBatch (AWS JSON 1.0, `X-Amz-Target:
 * AmazonSQS.<Operation>`), with the batch limits of
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html
 * A queue that has handed out no message (the records of a test's
 * hand-built event) takes any receipt handle; one that has refuses a
 * handle not of its latest receive of a message in flight. The page lists
 * `ReceiptHandleIsInvalid` and `MessageNotInflight` for that; SQS answers
 * the entry `InvalidParameterValue` with the text below, which it does not
 * document (the handler treats every failed entry alike).
 */
export const sqsResponder = (options: SqsResponderOptions = {}) => {
  const now = options.now ?? Date.now;
  const queues = new Map<string, Queue>();
  const changes: VisibilityChange[] = [];
  /** `queueOptions` (re)creates the queue. */
  const queue = (queueUrl: string, queueOptions?: QueueOptions): Queue => {
    const existing = queues.get(queueUrl);
    if (existing !== undefined && queueOptions === undefined) return existing;
    const created = createQueue(queueOptions);
    queues.set(queueUrl, created);
    return created;
  };

  const change = (
    entry: ChangeMessageVisibilityBatchRequestEntry,
    queueUrl: string
  ): EntryFailure | undefined => {
    const { ReceiptHandle: receiptHandle } = entry;
    const timeout = entry.VisibilityTimeout as number;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
      return refusal(
        'InvalidParameterValue',
        'VisibilityTimeout must be 0 to 43200 seconds'
      );
    }
    if (typeof receiptHandle !== 'string' || receiptHandle === '') {
      return refusal('ReceiptHandleIsInvalid', 'The receipt handle is missing');
    }
    const taken = { queueUrl, receiptHandle, visibilityTimeout: timeout };
    const model = queue(queueUrl);
    const failure = options.changeVisibility
      ? options.changeVisibility(taken)
      : model.statistics().receives === 0 ||
          model.changeVisibility(receiptHandle, timeout, now())
        ? undefined
        : refusal(
            'InvalidParameterValue',
            'Message does not exist or is not available for visibility timeout change'
          );
    if (failure === undefined) changes.push(taken);
    return failure;
  };

  const changeBatch = (queueUrl: unknown, entries: unknown): Reply => {
    if (typeof queueUrl !== 'string' || queueUrl === '') {
      return awsError(400, 'MissingParameter', 'QueueUrl is required');
    }
    const list = (
      Array.isArray(entries) ? entries : []
    ) as ChangeMessageVisibilityBatchRequestEntry[];
    const ids = list.map(({ Id }) => Id);
    const refused =
      list.length === 0
        ? 'EmptyBatchRequest'
        : list.length > 10
          ? 'TooManyEntriesInBatchRequest'
          : !ids.every((id) => id && /^[\w-]{1,80}$/.test(id))
            ? 'InvalidBatchEntryId'
            : new Set(ids).size !== ids.length
              ? 'BatchEntryIdsNotDistinct'
              : undefined;
    if (refused) return awsError(400, refused);
    const Successful: { Id?: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of list) {
      const failure = change(entry, queueUrl);
      if (failure) Failed.push({ Id: entry.Id, ...failure });
      else Successful.push({ Id: entry.Id });
    }
    return { status: 200, body: { Successful, Failed } };
  };

  const sendMessage = (input: Partial<SendMessageRequest>): Reply => {
    if (!input?.QueueUrl || !input.MessageBody) {
      return awsError(400, 'MissingParameter');
    }
    const { MessageId, Body } = queue(input.QueueUrl).send(
      input.MessageBody,
      now(),
      input.MessageAttributes
    );
    return {
      status: 200,
      body: {
        MessageId,
        // The SDK checks this digest; MD5OfMessageAttributes it does not.
        MD5OfMessageBody: createHash('md5').update(Body).digest('hex'),
      },
    };
  };

  const respond = ({ headers, json }: RecordedRequest): Reply => {
    const target = String(headers['x-amz-target']);
    const input = (json ?? {}) as Record<string, unknown>;
    if (target === 'AmazonSQS.ChangeMessageVisibilityBatch') {
      return changeBatch(input.QueueUrl, input.Entries);
    }
    if (target === 'AmazonSQS.SendMessage') return sendMessage(input);
    return awsError(400, 'UnsupportedOperation', target);
  };
  return {
    respond,
    queue,
    messages: (queueUrl: string): StoredMessage[] => queue(queueUrl).messages(),
    visibilityChanges: (queueUrl: string): VisibilityChange[] =>
      changes.filter((change) => change.queueUrl === queueUrl),
  };
};
