import { inboundSms, smsRecord, sqsEvent } from '../tools/harness/events';
import { startLocalBridge } from '../tools/harness/local-bridge';
import { startLocalParticipantBridge } from '../tools/harness/local-participant-bridge';
import { readParticipantBundles } from '../tools/harness/synth';
import type { RecordedRequest } from '../tools/local-aws/endpoint';
import { BRIDGE_NUMBER, type FunctionAsset } from './functions';

export interface StepCalls {
  readonly mode: 'integration-event' | 'participant';
  readonly step: string;
  /** Calls by service and operation, as the local endpoints saw them. */
  readonly calls: Readonly<Record<string, number>>;
  readonly total: number;
}

/** Connect's and the participant service's REST routes, by operation. */
const ROUTES: Record<string, string> = {
  '/chat-integration-event': 'Connect.SendChatIntegrationEvent',
  '/contact/chat': 'Connect.StartChatContact',
  '/contact/start-streaming': 'Connect.StartContactStreaming',
  '/participant/connection': 'Participant.CreateParticipantConnection',
  '/participant/message': 'Participant.SendMessage',
  '/participant/transcript': 'Participant.GetTranscript',
  '/participant/disconnect': 'Participant.DisconnectParticipant',
};

const operationOf = ({ headers, path }: RecordedRequest): string => {
  const target = headers['x-amz-target'];
  if (typeof target !== 'string') return ROUTES[path] ?? `? ${path}`;
  const [service = '', operation = ''] = target.split('.');
  return `${service.replace(/^Amazon/, '')}.${operation}`;
};

const text = (messageBody: string) =>
  inboundSms({
    originationNumber: '+14255550182',
    destinationNumber: BRIDGE_NUMBER,
    messageBody,
  });

const tally = (names: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
};

/**
 * One customer's texts through each inbound bundle in the local harness
 * (tools/harness), one SQS record per invocation, counting the calls each
 * text cost at the local endpoints.
 */
export const countApiCalls = async (
  integration: FunctionAsset,
  participant: FunctionAsset
): Promise<StepCalls[]> => {
  const results: StepCalls[] = [];
  const run = async (
    mode: StepCalls['mode'],
    bridge: {
      invoke(event: ReturnType<typeof sqsEvent>): Promise<unknown>;
      /** Every call so far, by operation. */
      calls(): string[];
      close(): Promise<void>;
    }
  ) => {
    try {
      const later = text('Can you check my order?');
      const steps = [
        ['first text of a chat', text('Hi, I need help')],
        ['later text', later],
        ['same text redelivered', later],
        ['STOP (opt-out)', text('STOP')],
      ] as const;
      for (const [step, sms] of steps) {
        const before = tally(bridge.calls());
        await bridge.invoke(sqsEvent(smsRecord(sms)));
        const calls: Record<string, number> = {};
        for (const [name, count] of tally(bridge.calls())) {
          const added = count - (before.get(name) ?? 0);
          if (added > 0) calls[name] = added;
        }
        const total = Object.values(calls).reduce((a, b) => a + b, 0);
        results.push({ mode, step, calls, total });
      }
    } finally {
      await bridge.close();
    }
  };
  const dynamoDb = (calls: readonly string[]) =>
    calls.map((operation) => `DynamoDB.${operation}`);

  const logs = { forward: false };
  const local = await startLocalBridge({ fn: integration, logs });
  await run('integration-event', {
    invoke: (event) => local.invoke(event),
    calls: () => [
      ...[...local.connect.requests, ...local.sqs.requests].map(operationOf),
      ...dynamoDb(local.dynamoDbCalls),
    ],
    close: local.close,
  });
  const bundles = readParticipantBundles(participant.assembly);
  const both = await startLocalParticipantBridge({ bundles, logs });
  await run('participant', {
    invoke: both.invokeInbound,
    calls: () => [
      ...[...both.wire.map(({ request }) => request), ...both.sqs.requests].map(
        operationOf
      ),
      ...dynamoDb(both.dynamoDbCalls),
    ],
    close: both.close,
  });
  return results;
};
