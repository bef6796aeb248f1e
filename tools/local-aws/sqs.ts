import { createHash, randomUUID } from 'node:crypto';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
}

export interface StoredMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly MessageAttributes: Readonly<Record<string, MessageAttribute>>;
}

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
  /**
   * Applies a visibility change to the queue that handed out the receipt
   * handle, or says why it cannot; throwing fails the whole call with a 500.
   * @default - every change is taken
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

/**
 * An in-memory SQS that speaks the AWS JSON 1.0 protocol of the current SDK
 * (`X-Amz-Target: AmazonSQS.<Operation>`). It keeps sent messages per queue
 * URL; tests and the demo read them with `messages(queueUrl)`. It takes
 * `ChangeMessageVisibilityBatch` as SQS documents it: 1 to 10 entries of
 * distinct ids, each with a receipt handle and a VisibilityTimeout of 0 to
 * 43,200 s, each entry's outcome in `Successful` or `Failed`; the changes
 * taken are in `visibilityChanges(queueUrl)`.
 */
export const sqsResponder = (options: SqsResponderOptions = {}) => {
  const queues = new Map<string, StoredMessage[]>();
  const changes: VisibilityChange[] = [];
  const messages = (queueUrl: string): StoredMessage[] => {
    const list = queues.get(queueUrl) ?? [];
    queues.set(queueUrl, list);
    return list;
  };
  const visibilityChanges = (queueUrl: string): VisibilityChange[] =>
    changes.filter((change) => change.queueUrl === queueUrl);

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
    const successful: { Id: string }[] = [];
    const failed: {
      Id: string;
      Code: string;
      Message: string;
      SenderFault: boolean;
    }[] = [];
    for (const entry of entries) {
      const id = entry.Id as string;
      let failure: EntryFailure | undefined;
      try {
        failure = entryFailure(entry, queueUrl, options.changeVisibility);
      } catch (error) {
        // A hook that throws stands for SQS failing the whole call.
        return awsError(500, 'InternalFailure', String(error));
      }
      if (failure === undefined) {
        changes.push({
          queueUrl,
          receiptHandle: entry.ReceiptHandle as string,
          visibilityTimeout: entry.VisibilityTimeout as number,
        });
        successful.push({ Id: id });
      } else {
        failed.push({
          Id: id,
          Code: failure.code,
          Message: failure.message,
          SenderFault: failure.senderFault,
        });
      }
    }
    return { status: 200, body: { Successful: successful, Failed: failed } };
  };

  const respond = (request: RecordedRequest): Reply => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target === 'AmazonSQS.ChangeMessageVisibilityBatch') {
      return changeVisibilityBatch(
        request.json as { QueueUrl?: unknown; Entries?: unknown }
      );
    }
    const input = request.json as {
      QueueUrl?: string;
      MessageBody?: string;
      MessageAttributes?: Record<string, MessageAttribute>;
    };
    if (target !== 'AmazonSQS.SendMessage') {
      return awsError(400, 'UnsupportedOperation', target);
    }
    if (!input?.QueueUrl || !input.MessageBody) {
      return awsError(400, 'MissingParameter');
    }
    const attributes = input.MessageAttributes ?? {};
    const message: StoredMessage = {
      MessageId: randomUUID(),
      Body: input.MessageBody,
      MessageAttributes: attributes,
    };
    messages(input.QueueUrl).push(message);
    return {
      status: 200,
      body: {
        MessageId: message.MessageId,
        MD5OfMessageBody: md5(Buffer.from(message.Body, 'utf8')),
        MD5OfMessageAttributes: attributesMd5(attributes),
      },
    };
  };
  return { respond, messages, visibilityChanges };
};

/** Why SQS refuses one entry, or undefined when it takes it. */
const entryFailure = (
  entry: VisibilityEntry,
  queueUrl: string,
  changeVisibility: SqsResponderOptions['changeVisibility']
): EntryFailure | undefined => {
  const timeout = entry.VisibilityTimeout;
  if (
    typeof timeout !== 'number' ||
    !Number.isInteger(timeout) ||
    timeout < 0 ||
    timeout > MAX_VISIBILITY_TIMEOUT
  ) {
    return {
      code: 'InvalidParameterValue',
      message: `VisibilityTimeout must be 0 to ${MAX_VISIBILITY_TIMEOUT} seconds`,
      senderFault: true,
    };
  }
  if (typeof entry.ReceiptHandle !== 'string' || entry.ReceiptHandle === '') {
    return {
      code: 'ReceiptHandleIsInvalid',
      message: 'The receipt handle is missing',
      senderFault: true,
    };
  }
  return changeVisibility?.({
    queueUrl,
    receiptHandle: entry.ReceiptHandle,
    visibilityTimeout: timeout,
  });
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
): string => {
  const parts = Object.keys(attributes)
    .sort()
    .flatMap((name) => {
      const attribute = attributes[name] as MessageAttribute;
      return [
        lengthPrefixed(name),
        lengthPrefixed(attribute.DataType),
        Buffer.from([1]),
        lengthPrefixed(attribute.StringValue ?? ''),
      ];
    });
  return md5(Buffer.concat(parts));
};
