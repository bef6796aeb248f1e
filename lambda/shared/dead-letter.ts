import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { UndeliverableError } from './undeliverable';

export interface DeadLetter {
  /** The message exactly as it arrived, so a redrive can replay it. */
  readonly body: string;
  readonly failure: UndeliverableError;
  readonly inboundMessageId?: string;
  readonly sourceMessageId?: string;
}

/** SQS refuses control characters and lone surrogates in attributes. */
const stringAttribute = (value: string) => ({
  DataType: 'String',
  StringValue: value
    .toWellFormed()
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '?'),
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
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: letter.body,
      MessageAttributes: attributes,
    })
  );
};
