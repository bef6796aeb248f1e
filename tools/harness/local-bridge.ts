import type { SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import { connectResponder } from '../local-aws/connect';
import { type LocalStackOptions, openLocalStack } from './bridge-start';
import { createIdempotencyTable, IDEMPOTENCY_TABLE_NAME } from './dynalite';
import { INBOUND_FUNCTION_NAME } from './lambda-context';
import type { InboundFunction } from './synth';

/** A local Connect and the idempotency table, and the inbound bundle loaded afresh. */
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
      if ('status' in reply && reply.status < 300) {
        accepted.push(request.json as Record<string, unknown>);
      }
      return reply;
    });
    await createIdempotencyTable(stack.dynamoDbUrl, IDEMPOTENCY_TABLE_NAME);
    const invoke = await stack.load(fn, INBOUND_FUNCTION_NAME, {
      [ENV.deadLetterQueueUrl]: stack.queueUrlOf('DeadLetterQueue'),
      [ENV.queueUrl]: stack.queueUrlOf('Queue'),
      [ENV.idempotencyTableName]: IDEMPOTENCY_TABLE_NAME,
    });
    return {
      ...stack,
      connect: { ...connect, accepted: () => [...accepted] },
      queueUrl: stack.queueUrlOf('Queue'),
      tableName: IDEMPOTENCY_TABLE_NAME,
      deadLetters: () => stack.deadLettersOf('DeadLetterQueue'),
      invoke: invoke as {
        (event: SQSEvent): Promise<SQSBatchResponse>;
        (event: SNSEvent): Promise<void>;
      },
    };
  });

export type LocalBridge = Awaited<ReturnType<typeof startLocalBridge>>;
