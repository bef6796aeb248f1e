import { createHash, randomUUID } from 'node:crypto';
import { awsError, type RecordedRequest, type Reply } from './endpoint';
import { seededUuid } from './random';

/**
 * One model of a standard SQS queue, used two ways: in memory by the
 * fault-injection event source (receive, delete, redrive on a simulated
 * clock), and over HTTP by the bundles (`sqsResponder`: SendMessage and
 * ChangeMessageVisibilityBatch in the AWS JSON 1.0 protocol).
 * Behaviour from the SQS developer guide: visibility timeout
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html),
 * at-least-once delivery, redrive after maxReceiveCount
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html),
 * and the ChangeMessageVisibilityBatch limits of the API reference
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html).
 */

interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
}

/** A message as SendMessage took it. */
export interface StoredMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly MessageAttributes: Readonly<Record<string, MessageAttribute>>;
}

export interface QueueOptions {
  /** @default 30 (SQS's default) */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before the redrive policy moves a message. @default Infinity */
  readonly maxReceiveCount?: number;
  /**
   * The share of receives after which SQS hands the same message out again
   * while it is in flight (at-least-once delivery). @default 0
   */
  readonly redeliveryWhileInFlightRate?: number;
  /** For redeliveries and message ids. @default Math.random, random ids */
  readonly random?: () => number;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** When it entered the queue, in the queue's time (ms). */
  readonly sentAt: number;
  readonly receiptHandle: string;
  /** ApproximateReceiveCount, this receive included. */
  readonly receiveCount: number;
  readonly firstReceivedAt: number;
}

export const MAX_RECEIVE_COUNT_EXCEEDED = 'maxReceiveCount exceeded';

/** What the redrive policy moved to the dead-letter queue. */
export interface RedrivenMessage {
  readonly body: string;
  readonly receiveCount: number;
  readonly reason: typeof MAX_RECEIVE_COUNT_EXCEEDED;
}

interface Held extends StoredMessage {
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  /** When the latest receive's visibility timeout ends. */
  hiddenUntil: number;
  receiptHandle?: string;
}

export type Queue = ReturnType<typeof createQueue>;

export const createQueue = (options: QueueOptions = {}) => {
  const random = options.random;
  const visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
  const maxReceiveCount = options.maxReceiveCount ?? Number.POSITIVE_INFINITY;
  const strayRate = options.redeliveryWhileInFlightRate ?? 0;
  const held = new Map<string, Held>();
  const byHandle = new Map<string, Held>();
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
  const remove = (message: Held) => {
    held.delete(message.MessageId);
    if (message.receiptHandle !== undefined)
      byHandle.delete(message.receiptHandle);
  };
  const wire = ({
    MessageId,
    Body,
    MessageAttributes,
  }: Held): StoredMessage => ({
    MessageId,
    Body,
    MessageAttributes,
  });

  return {
    send: (
      body: string,
      at: number,
      attributes: StoredMessage['MessageAttributes'] = {}
    ): StoredMessage => {
      const message: Held = {
        MessageId: random === undefined ? randomUUID() : seededUuid(random),
        Body: body,
        MessageAttributes: attributes,
        sentAt: at,
        receiveCount: 0,
        visibleAt: at,
        hiddenUntil: at,
      };
      held.set(message.MessageId, message);
      stats.sent++;
      return wire(message);
    },
    /**
     * Up to `max` visible messages, oldest first, each hidden for the
     * visibility timeout; one already received `maxReceiveCount` times
     * moves to the dead-letter queue instead.
     */
    receive: (max: number, now: number): ReceivedMessage[] => {
      const received: ReceivedMessage[] = [];
      // Oldest first, as SQS mostly (not strictly) returns them.
      const oldestFirst = [...held.values()].sort(
        (a, b) => a.sentAt - b.sentAt
      );
      for (const message of oldestFirst) {
        if (received.length >= max) break;
        if (message.visibleAt > now) continue;
        if (message.receiveCount >= maxReceiveCount) {
          remove(message);
          redriven.push({
            body: message.Body,
            receiveCount: message.receiveCount,
            reason: MAX_RECEIVE_COUNT_EXCEEDED,
          });
          stats.redriven++;
          continue;
        }
        if (message.receiptHandle !== undefined)
          byHandle.delete(message.receiptHandle);
        if (message.hiddenUntil > now) stats.redeliveredWhileInFlight++;
        message.receiveCount++;
        message.firstReceivedAt ??= now;
        message.receiptHandle = `${message.MessageId}#${++handles}`;
        byHandle.set(message.receiptHandle, message);
        message.hiddenUntil = now + visibilityMs;
        // The copy that missed this receive is handed out again at once.
        message.visibleAt =
          (random ?? Math.random)() < strayRate ? now : message.hiddenUntil;
        stats.receives++;
        received.push({
          messageId: message.MessageId,
          body: message.Body,
          sentAt: message.sentAt,
          receiptHandle: message.receiptHandle,
          receiveCount: message.receiveCount,
          firstReceivedAt: message.firstReceivedAt,
        });
      }
      return received;
    },
    /** Deletes by the receipt handle of the latest receive. */
    delete: (receiptHandle: string): boolean => {
      const message = byHandle.get(receiptHandle);
      if (message === undefined) {
        // SQS answers success, but an earlier receive's handle may leave the message.
        stats.staleDeletes++;
        return false;
      }
      remove(message);
      return true;
    },
    /** ChangeMessageVisibility; false for a handle not of a message in flight. */
    changeVisibility: (
      receiptHandle: string,
      seconds: number,
      now: number
    ): boolean => {
      const message = byHandle.get(receiptHandle);
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
    /** The messages still in the queue, in the order sent. */
    messages: () => [...held.values()].map(wire),
    deadLetters: () => [...redriven],
    statistics: () => ({ ...stats }),
  };
};

/** A visibility change SQS took for one receipt handle. */
export interface VisibilityChange {
  readonly queueUrl: string;
  readonly receiptHandle: string;
  readonly visibilityTimeout: number;
}

/** Why an entry of a batch was refused, as SQS reports it in `Failed`. */
export interface EntryFailure {
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
}

export interface SqsResponderOptions {
  /** The queues' time in ms. @default Date.now */
  readonly now?: () => number;
  /**
   * Overrides the queue's answer to a visibility change; throwing fails
   * the whole call with a 500.
   * @default - the queue's model answers
   */
  readonly changeVisibility?: (
    change: VisibilityChange
  ) => EntryFailure | undefined;
}

/** SQS's limits on `ChangeMessageVisibilityBatch` (API reference). */
const MAX_BATCH_ENTRIES = 10;
const MAX_VISIBILITY_TIMEOUT = 43_200;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

interface VisibilityEntry {
  readonly Id?: unknown;
  readonly ReceiptHandle?: unknown;
  readonly VisibilityTimeout?: unknown;
}

const failure = (code: string, message: string): EntryFailure => ({
  code,
  message,
  senderFault: true,
});

/**
 * The HTTP face of the queues, by queue URL (`X-Amz-Target:
 * AmazonSQS.<Operation>`). A queue that has handed out no message (the
 * records of a test's hand-built event) takes any well-formed receipt
 * handle; one that has refuses a handle it did not hand out or whose
 * message is gone, as SQS does: a receipt handle belongs to one receive,
 * and only the latest one deletes the message
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html);
 * a visibility change for a message not in flight fails
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 * lists `ReceiptHandleIsInvalid` and `MessageNotInflight`; the entry here
 * answers `InvalidParameterValue` with SQS's "Message does not exist or is
 * not available" text, which the page does not document; the handler
 * treats every failed entry alike).
 */
export const sqsResponder = (options: SqsResponderOptions = {}) => {
  const now = options.now ?? Date.now;
  const queues = new Map<string, Queue>();
  const changes: VisibilityChange[] = [];
  /** The queue at `queueUrl`; `queueOptions` (re)creates it. */
  const queue = (queueUrl: string, queueOptions?: QueueOptions): Queue => {
    const existing = queues.get(queueUrl);
    if (existing !== undefined && queueOptions === undefined) return existing;
    const created = createQueue(queueOptions);
    queues.set(queueUrl, created);
    return created;
  };

  const entryFailure = (
    entry: VisibilityEntry,
    queueUrl: string
  ): EntryFailure | undefined => {
    const timeout = entry.VisibilityTimeout;
    if (
      typeof timeout !== 'number' ||
      !Number.isInteger(timeout) ||
      timeout < 0 ||
      timeout > MAX_VISIBILITY_TIMEOUT
    ) {
      return failure(
        'InvalidParameterValue',
        `VisibilityTimeout must be 0 to ${MAX_VISIBILITY_TIMEOUT} seconds`
      );
    }
    if (typeof entry.ReceiptHandle !== 'string' || entry.ReceiptHandle === '') {
      return failure('ReceiptHandleIsInvalid', 'The receipt handle is missing');
    }
    const change = {
      queueUrl,
      receiptHandle: entry.ReceiptHandle,
      visibilityTimeout: timeout,
    };
    if (options.changeVisibility !== undefined)
      return options.changeVisibility(change);
    const model = queue(queueUrl);
    if (model.statistics().receives === 0) return undefined;
    return model.changeVisibility(change.receiptHandle, timeout, now())
      ? undefined
      : failure(
          'InvalidParameterValue',
          'Message does not exist or is not available for visibility timeout change'
        );
  };

  const changeVisibilityBatch = (input: {
    QueueUrl?: unknown;
    Entries?: unknown;
  }): Reply => {
    if (typeof input?.QueueUrl !== 'string' || input.QueueUrl === '') {
      return awsError(400, 'MissingParameter', 'QueueUrl is required');
    }
    const queueUrl = input.QueueUrl;
    const entries = (
      Array.isArray(input.Entries) ? input.Entries : []
    ) as VisibilityEntry[];
    if (entries.length === 0) {
      return awsError(400, 'EmptyBatchRequest', 'The batch has no entries');
    }
    if (entries.length > MAX_BATCH_ENTRIES) {
      return awsError(
        400,
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}`
      );
    }
    if (
      !entries.every(
        ({ Id }) => typeof Id === 'string' && BATCH_ENTRY_ID.test(Id)
      )
    ) {
      return awsError(
        400,
        'InvalidBatchEntryId',
        'A batch entry id is invalid'
      );
    }
    if (new Set(entries.map(({ Id }) => Id)).size !== entries.length) {
      return awsError(
        400,
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries have the same Id'
      );
    }
    const Successful: { Id: string }[] = [];
    const Failed: {
      Id: string;
      Code: string;
      Message: string;
      SenderFault: boolean;
    }[] = [];
    for (const entry of entries) {
      const Id = entry.Id as string;
      let refused: EntryFailure | undefined;
      try {
        refused = entryFailure(entry, queueUrl);
      } catch (error) {
        return awsError(500, 'InternalFailure', String(error));
      }
      if (refused === undefined) {
        changes.push({
          queueUrl,
          receiptHandle: entry.ReceiptHandle as string,
          visibilityTimeout: entry.VisibilityTimeout as number,
        });
        Successful.push({ Id });
      } else {
        Failed.push({
          Id,
          Code: refused.code,
          Message: refused.message,
          SenderFault: refused.senderFault,
        });
      }
    }
    return { status: 200, body: { Successful, Failed } };
  };

  const respond = (request: RecordedRequest): Reply => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target === 'AmazonSQS.ChangeMessageVisibilityBatch') {
      return changeVisibilityBatch(
        request.json as { QueueUrl?: unknown; Entries?: unknown }
      );
    }
    if (target !== 'AmazonSQS.SendMessage') {
      return awsError(400, 'UnsupportedOperation', target);
    }
    const input = request.json as {
      QueueUrl?: string;
      MessageBody?: string;
      MessageAttributes?: Record<string, MessageAttribute>;
    };
    if (!input?.QueueUrl || !input.MessageBody) {
      return awsError(400, 'MissingParameter');
    }
    const attributes = input.MessageAttributes ?? {};
    const message = queue(input.QueueUrl).send(
      input.MessageBody,
      now(),
      attributes
    );
    return {
      status: 200,
      body: {
        MessageId: message.MessageId,
        MD5OfMessageBody: md5(Buffer.from(message.Body, 'utf8')),
        MD5OfMessageAttributes: attributesMd5(attributes),
      },
    };
  };
  return {
    respond,
    queue,
    messages: (queueUrl: string): StoredMessage[] => queue(queueUrl).messages(),
    visibilityChanges: (queueUrl: string): VisibilityChange[] =>
      changes.filter((change) => change.queueUrl === queueUrl),
  };
};

const md5 = (data: Buffer): string =>
  createHash('md5').update(data).digest('hex');

const lengthPrefixed = (text: string): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** SQS's digest of message attributes (string attributes only). */
const attributesMd5 = (
  attributes: Readonly<Record<string, MessageAttribute>>
): string =>
  md5(
    Buffer.concat(
      Object.keys(attributes)
        .sort()
        .flatMap((name) => {
          const attribute = attributes[name] as MessageAttribute;
          return [
            lengthPrefixed(name),
            lengthPrefixed(attribute.DataType),
            Buffer.from([1]),
            lengthPrefixed(attribute.StringValue ?? ''),
          ];
        })
    )
  );
