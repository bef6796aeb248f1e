import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  QUEUE_FUNCTION_TIMEOUT_SECONDS,
  QUEUE_VISIBILITY_TIMEOUT_SECONDS,
} from '../lambda/shared/settings';
import { fail } from './validation';

/**
 * What the bridge's two queue-fed functions (inbound texts, agent replies)
 * share: an encrypted queue with its dead-letter queue, the event source
 * that feeds the function, its role and the cdk-nag findings that stand.
 */

/** Each queue-fed function's timeout (the settings contract holds the figures). */
export const QUEUE_FUNCTION_TIMEOUT = Duration.seconds(
  QUEUE_FUNCTION_TIMEOUT_SECONDS
);

/** The inbound queue's `maxReceiveCount` unless set; see the settings contract. */
export { DEFAULT_MAX_RECEIVE_COUNT } from '../lambda/shared/settings';

export interface QueueLimits {
  /** How often a message is tried before the dead-letter queue (1-1000). */
  readonly maxReceiveCount: number;
  /** How many function instances may read the queue at once (2-1000). */
  readonly maxConcurrency: number;
}

export const checkQueueLimits = ({
  maxReceiveCount,
  maxConcurrency,
}: QueueLimits): void => {
  if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
    fail('maxReceiveCount', 'must be between 1 and 1000', maxReceiveCount);
  }
  if (maxConcurrency < 2 || maxConcurrency > 1000) {
    fail('maxConcurrency', 'must be between 2 and 1000', maxConcurrency);
  }
};

/** A queue and its dead-letter queue, both encrypted with `key`. */
export const createQueues = (
  scope: Construct,
  ids: { readonly queue: string; readonly deadLetterQueue: string },
  key: kms.IKey,
  maxReceiveCount: number
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } => {
  const deadLetterQueue = new sqs.Queue(scope, ids.deadLetterQueue, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'Serverless::Serverless-SQSRedrivePolicy',
    reason: 'This is the dead-letter queue; messages are redriven by hand.',
  });
  const queue = new sqs.Queue(scope, ids.queue, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(QUEUE_VISIBILITY_TIMEOUT_SECONDS),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
  });
  return { queue, deadLetterQueue };
};

/** A function role that may write to its own log group and nowhere else. */
export const loggingRole = (
  scope: Construct,
  id: string,
  logGroup: logs.ILogGroup,
  description?: string
): iam.Role => {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    ...(description === undefined ? {} : { description }),
  });
  logGroup.grantWrite(role);
  return role;
};

/**
 * Feeds `fn` from `queue` in batches of 10 with partial batch responses,
 * and acknowledges the findings that stand for such a function.
 */
export const feedFromQueue = (
  fn: lambda.Function,
  queue: sqs.IQueue,
  maxConcurrency: number,
  tracedBy: string
): void => {
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      reportBatchItemFailures: true,
      maxConcurrency,
    })
  );
  Validations.of(fn).acknowledge(
    {
      id: 'Serverless::Serverless-LambdaTracing',
      reason:
        `Each item is traced by its ${tracedBy} in structured logs; X-Ray ` +
        'would add cost and a wildcard xray:PutTraceSegments grant.',
    },
    {
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event sources take no on-failure destination: a failed item ' +
        "goes to the queue's dead-letter queue after maxReceiveCount tries.",
    }
  );
};
