import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import { connectResponder } from '../local-aws/connect';
import { succeeded } from '../local-aws/scripted';
import { type LocalStackOptions, openLocalStack } from './bridge-start';
import { createIdempotencyTable } from './dynalite';
import type { InboundFunction } from './synth';

export type Handler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/**
 * Starts what the inbound bundle talks to on 127.0.0.1 (Connect, SQS,
 * DynamoDB with the idempotency table), points the AWS SDK at them through
 * Node's environment, and loads the bundle afresh.
 */
export const startLocalBridge = ({
  fn,
  ...options
}: LocalStackOptions & { readonly fn: InboundFunction }) =>
  openLocalStack(options, async (stack) => {
    // Recorded where Connect answers, so a reply a script then drops or
    // delays still counts: Connect took the event.
    const accepted: Record<string, unknown>[] = [];
    const connectService = connectResponder();
    const connect = await stack.serve('connect', (request) => {
      const reply = connectService(request);
      if (succeeded({ request, reply })) {
        accepted.push(request.json as Record<string, unknown>);
      }
      return reply;
    });
    const tableName = 'SmsConnectBridge-IdempotencyTable';
    await createIdempotencyTable(stack.dynamoDbUrl, tableName);
    const invoke = await stack.load(fn, 'SmsConnectBridge-Function', {
      [ENV.deadLetterQueueUrl]: stack.queueUrlOf('DeadLetterQueue'),
      [ENV.queueUrl]: stack.queueUrlOf('Queue'),
      [ENV.idempotencyTableName]: tableName,
    });
    return {
      ...stack,
      /** The chat integration events Connect took, in order. */
      connect: { ...connect, accepted: () => [...accepted] },
      /** The queue that feeds the function (`QUEUE_URL`). */
      queueUrl: stack.queueUrlOf('Queue'),
      tableName,
      deadLetters: () => stack.deadLettersOf('DeadLetterQueue'),
      /** Runs the handler as Lambda would, with a fresh context. */
      invoke: invoke as {
        (event: SQSEvent): Promise<SQSBatchResponse>;
        (event: SNSEvent): Promise<void>;
      },
    };
  });

export type LocalBridge = Awaited<ReturnType<typeof startLocalBridge>>;
