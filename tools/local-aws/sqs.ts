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

/**
 * An in-memory SQS that speaks the AWS JSON 1.0 protocol of the current SDK
 * (`X-Amz-Target: AmazonSQS.<Operation>`). It keeps sent messages per queue
 * URL; tests and the demo read them with `messages(queueUrl)`.
 */
export const sqsResponder = () => {
  const queues = new Map<string, StoredMessage[]>();
  const messages = (queueUrl: string): StoredMessage[] => {
    const list = queues.get(queueUrl) ?? [];
    queues.set(queueUrl, list);
    return list;
  };
  const respond = (request: RecordedRequest): Reply => {
    const target = String(request.headers['x-amz-target'] ?? '');
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
  return { respond, messages };
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
