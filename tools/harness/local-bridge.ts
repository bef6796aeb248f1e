import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV } from '../../lambda/shared/settings';
import { connectResponder } from '../local-aws/connect';
import { scriptedResponder, succeeded } from '../local-aws/scripted';
import type { StoredMessage } from '../local-aws/sqs';
import {
  type LocalService,
  type LocalStack,
  type LocalStackOptions,
  openLocalStack,
} from './bridge-start';
import { createIdempotencyTable } from './dynalite';
import type { InboundFunction } from './synth';

export interface LocalBridgeOptions extends LocalStackOptions {
  /** The synthesized function whose bundle runs. */
  readonly fn: InboundFunction;
}

export type Handler = (
  event: SQSEvent | SNSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

/** The local Amazon Connect: its wire log and what it is told to answer. */
export interface LocalConnect extends LocalService {
  /**
   * The bodies of the chat integration events Connect took, in order,
   * including any whose answer a script dropped or delayed.
   */
  accepted(): Record<string, unknown>[];
}

export interface LocalBridge extends LocalStack {
  readonly connect: LocalConnect;
  /** The queue that feeds the function (`QUEUE_URL`). */
  readonly queueUrl: string;
  /** The idempotency table. */
  readonly tableName: string;
  /** The messages the bundle put in the dead-letter queue. */
  deadLetters(): readonly StoredMessage[];
  /** Runs the handler as Lambda would, with a fresh context. */
  invoke(event: SQSEvent): Promise<SQSBatchResponse>;
  invoke(event: SNSEvent): Promise<void>;
}

/**
 * Starts what the inbound bundle talks to on 127.0.0.1 (Connect, SQS,
 * DynamoDB with the idempotency table), points the AWS SDK at them through
 * Node's environment, and loads the bundle afresh.
 */
export const startLocalBridge = ({
  fn,
  ...options
}: LocalBridgeOptions): Promise<LocalBridge> =>
  openLocalStack(options, async (stack) => {
    // Recorded where Connect answers, so a reply a script then drops or
    // delays still counts: Connect took the event.
    const accepted: Record<string, unknown>[] = [];
    const connectService = connectResponder();
    const connect = await stack.serve(
      'connect',
      scriptedResponder((request) => {
        const reply = connectService(request);
        if (succeeded({ request, reply })) {
          accepted.push(request.json as Record<string, unknown>);
        }
        return reply;
      })
    );
    const tableName = 'SmsConnectBridge-IdempotencyTable';
    await createIdempotencyTable(stack.dynamoDbUrl, tableName);
    const invoke = await stack.load<SQSEvent | SNSEvent, unknown>(
      fn,
      'SmsConnectBridge-Function',
      {
        [ENV.deadLetterQueueUrl]: stack.queueUrlOf('DeadLetterQueue'),
        [ENV.queueUrl]: stack.queueUrlOf('Queue'),
        [ENV.idempotencyTableName]: tableName,
      }
    );
    return {
      ...stack,
      connect: { ...connect, accepted: () => [...accepted] },
      queueUrl: stack.queueUrlOf('Queue'),
      tableName,
      deadLetters: () => stack.deadLettersOf('DeadLetterQueue'),
      invoke: invoke as LocalBridge['invoke'],
    };
  });
