import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  createIdempotencyTable,
  createTable,
  stringHashKey,
} from '../tools/harness/dynalite';
import { inboundSms, smsRecord, sqsEvent } from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';
import { captureLogs } from '../tools/harness/log-capture';
import { loadFreshModule, setEnvironment } from '../tools/harness/node-realm';
import { connectResponder } from '../tools/local-aws/connect';
import {
  connectChatResponder,
  localChats,
} from '../tools/local-aws/connect-chat';
import {
  type LocalEndpoint,
  type RecordedRequest,
  startLocalEndpoint,
} from '../tools/local-aws/endpoint';
import { participantResponder } from '../tools/local-aws/participant';
import { sqsResponder } from '../tools/local-aws/sqs';
import { startCountingDynalite } from './counting-dynalite';
import { ACCOUNT, BRIDGE_NUMBER, type FunctionAsset } from './functions';
import { FUNCTION_NAME, lambdaEnvironment } from './lambda-env';

export type Step =
  | 'first text of a chat'
  | 'later text'
  | 'same text redelivered'
  | 'STOP (opt-out)';

export interface StepCalls {
  readonly step: Step;
  /** Calls by service and operation, as the local endpoints counted them. */
  readonly calls: Readonly<Record<string, number>>;
  readonly total: number;
  /** What the handler answered: no failed records is the expected case. */
  readonly failedRecords: number;
}

export interface ModeCalls {
  readonly mode: 'integration-event' | 'participant';
  readonly origin: 'synth' | 'esbuild';
  readonly steps: readonly StepCalls[];
}

const CUSTOMER = '+14255550182';

/** Connect's and the participant service's REST routes, by operation. */
const ROUTES: Record<string, string> = {
  '/chat-integration-event': 'Connect.SendChatIntegrationEvent',
  '/contact/chat': 'Connect.StartChatContact',
  '/contact/start-streaming': 'Connect.StartContactStreaming',
  '/participant/connection': 'Participant.CreateParticipantConnection',
  '/participant/message': 'Participant.SendMessage',
  '/participant/disconnect': 'Participant.DisconnectParticipant',
};

/**
 * Section 4: one customer's texts through a function's bundle, one SQS
 * record per invocation, counting what each text cost at the local
 * endpoints (Connect, the participant service, DynamoDB, SQS).
 */
export const countApiCalls = async (
  fn: FunctionAsset,
  mode: ModeCalls['mode']
): Promise<ModeCalls> => {
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const chats = localChats();
    const connect = await startLocalEndpoint(
      mode === 'participant' ? connectChatResponder(chats) : connectResponder()
    );
    closers.push(connect.close);
    const participant = await startLocalEndpoint(participantResponder(chats));
    closers.push(participant.close);
    const sqs = await startLocalEndpoint(sqsResponder().respond);
    closers.push(sqs.close);
    const dynamodb = await startCountingDynalite();
    closers.push(dynamodb.close);
    const tables = {
      IDEMPOTENCY_TABLE_NAME: 'SmsConnectBridge-IdempotencyTable',
      SESSION_TABLE_NAME: 'SmsConnectBridge-SessionTable',
    };
    await createIdempotencyTable(dynamodb.url, tables.IDEMPOTENCY_TABLE_NAME);
    await createTable(
      dynamodb.url,
      tables.SESSION_TABLE_NAME,
      stringHashKey('pk')
    );

    const { NODE_OPTIONS: _runtime, ...env } = lambdaEnvironment(
      fn,
      {
        CONNECT: connect.url,
        CONNECTPARTICIPANT: participant.url,
        DYNAMODB: dynamodb.url,
        SQS: sqs.url,
      },
      {
        ...tables,
        DEAD_LETTER_QUEUE_URL: `${sqs.url}/${ACCOUNT}/SmsConnectBridge-DeadLetterQueue`,
        QUEUE_URL: `${sqs.url}/${ACCOUNT}/SmsConnectBridge-Queue`,
        CHAT_STREAMING_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:SmsConnectBridge-ChatStreaming`,
        SENT_PART_KEY_PREFIX: 'SmsConnectBridge-OutboundFunction',
      }
    );
    closers.push(
      setEnvironment({
        ...env,
        AWS_PROFILE: undefined,
        AWS_MAX_ATTEMPTS: undefined,
        AWS_RETRY_MODE: undefined,
        POWERTOOLS_DEV: undefined,
        POWERTOOLS_IDEMPOTENCY_DISABLED: undefined,
      })
    );
    const logs = captureLogs({ forward: false });
    const exported = (await logs.during(() =>
      loadFreshModule(fn.entry)
    )) as Record<string, unknown>;
    const handler = exported[fn.handlerName] as (
      event: SQSEvent,
      context: ReturnType<typeof fakeContext>
    ) => Promise<SQSBatchResponse>;

    const endpoints = { connect, participant, sqs };
    const take = () => {
      const calls: Record<string, number> = {};
      const add = (name: string) => {
        calls[name] = (calls[name] ?? 0) + 1;
      };
      for (const request of drain(endpoints.connect)) add(routeOf(request));
      for (const request of drain(endpoints.participant)) add(routeOf(request));
      for (const request of drain(endpoints.sqs)) {
        add(`SQS.${String(request.headers['x-amz-target']).split('.')[1]}`);
      }
      for (const [operation, count] of Object.entries(dynamodb.counts())) {
        calls[`DynamoDB.${operation}`] = count;
      }
      dynamodb.reset();
      return calls;
    };

    const later = inboundMessage('Can you check my order?');
    const steps: [Step, ReturnType<typeof inboundMessage>][] = [
      ['first text of a chat', inboundMessage('Hi, I need help')],
      ['later text', later],
      ['same text redelivered', later],
      ['STOP (opt-out)', inboundMessage('STOP')],
    ];
    const results: StepCalls[] = [];
    for (const [step, text] of steps) {
      take();
      const response = await logs.during(() =>
        handler(
          sqsEvent(smsRecord(text)),
          fakeContext({ functionName: FUNCTION_NAME, region: fn.region })
        )
      );
      const calls = take();
      results.push({
        step,
        calls,
        total: Object.values(calls).reduce((a, b) => a + b, 0),
        failedRecords: response.batchItemFailures.length,
      });
    }
    return { mode, origin: fn.origin, steps: results };
  } finally {
    for (const close of closers.reverse()) await close();
  }
};

const inboundMessage = (messageBody: string) =>
  inboundSms({
    originationNumber: CUSTOMER,
    destinationNumber: BRIDGE_NUMBER,
    messageBody,
    inboundMessageId: randomUUID(),
  });

const drain = (endpoint: LocalEndpoint): RecordedRequest[] =>
  endpoint.requests.splice(0);

const routeOf = (request: RecordedRequest): string =>
  ROUTES[request.path] ?? `unknown ${request.method} ${request.path}`;
