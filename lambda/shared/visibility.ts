import type { SQSClient } from '@aws-sdk/client-sqs';
import { errorNameOf, httpStatusOf } from './undeliverable';

/** SQS takes at most 10 entries per ChangeMessageVisibilityBatch call. */
const MAX_ENTRIES = 10;

export interface VisibilityRequest {
  readonly receiptHandle: string;
  /** Seconds from now until the message is visible again (0 to 43,200). */
  readonly visibilityTimeout: number;
}

/** A request SQS did not take: the code it gave, or the call's error. */
export interface VisibilityFailure {
  readonly index: number;
  readonly code: string;
  readonly httpStatusCode?: number;
}

/**
 * Sets each message's visibility timeout, 10 to a call, and returns the
 * requests (by index) SQS did not take: the entries it lists in `Failed`,
 * and every entry of a call that failed as a whole. Never throws.
 */
export const changeVisibilities = async (
  sqs: SQSClient,
  queueUrl: string,
  requests: readonly VisibilityRequest[]
): Promise<VisibilityFailure[]> => {
  const failures: VisibilityFailure[] = [];
  for (let start = 0; start < requests.length; start += MAX_ENTRIES) {
    const chunk = requests.slice(start, start + MAX_ENTRIES);
    try {
      const { ChangeMessageVisibilityBatchCommand } = await import('./sqs');
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((request, i) => ({
            Id: String(start + i),
            ReceiptHandle: request.receiptHandle,
            VisibilityTimeout: request.visibilityTimeout,
          })),
        })
      );
      for (const { Id, Code } of Failed) {
        failures.push({ index: Number(Id), code: Code ?? 'Unknown' });
      }
    } catch (error) {
      const status = httpStatusOf(error);
      chunk.forEach((_, i) => {
        failures.push({
          index: start + i,
          code: errorNameOf(error),
          ...(status === undefined ? {} : { httpStatusCode: status }),
        });
      });
    }
  }
  return failures;
};
