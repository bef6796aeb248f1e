import type { SQSClient } from '@aws-sdk/client-sqs';
import type { UndeliverableError } from './undeliverable';

/** The dead-letter queue's client, made on first use. */
export type LazySqsClient = () => Promise<SQSClient>;

/**
 * Only an undeliverable message needs SQS, so its SDK client is loaded and
 * made on the first one: the cold start and the hot path never run it.
 */
export const lazySqsClient = (): LazySqsClient => {
  let client: Promise<SQSClient> | undefined;
  return () => {
    client ??= import('./sqs').then(({ SQSClient }) => new SQSClient({}));
    return client;
  };
};

export interface DeadLetter {
  /** The message exactly as it arrived, so a redrive can replay it. */
  readonly body: string;
  readonly failure: UndeliverableError;
  readonly inboundMessageId?: string;
  readonly sourceMessageId?: string;
}

/** SQS refuses control characters (but tab, CR, LF), U+FFFE, U+FFFF. */
const refusedBySqs = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
  code === 0xfffe ||
  code === 0xffff;

const stringAttribute = (value: string) => ({
  DataType: 'String',
  StringValue: Array.from(value.toWellFormed(), (char) =>
    refusedBySqs(char.codePointAt(0) ?? 0) ? '?' : char
  ).join(''),
});

/** Sends an undeliverable message to the dead-letter queue with its reason. */
export const sendToDeadLetterQueue = async (
  sqs: SQSClient,
  queueUrl: string,
  letter: DeadLetter
): Promise<void> => {
  const attributes: Record<string, ReturnType<typeof stringAttribute>> = {
    failureReason: stringAttribute(letter.failure.reason),
    failureDetail: stringAttribute(letter.failure.detail),
  };
  if (letter.inboundMessageId) {
    attributes.inboundMessageId = stringAttribute(letter.inboundMessageId);
  }
  if (letter.sourceMessageId) {
    attributes.sourceMessageId = stringAttribute(letter.sourceMessageId);
  }
  const { SendMessageCommand } = await import('./sqs');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: letter.body,
      MessageAttributes: attributes,
    })
  );
};
