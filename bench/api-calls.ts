import { inboundSms, smsRecord, sqsEvent } from '../tools/harness/events';
import { startLocalBridge } from '../tools/harness/local-bridge';
import { startLocalParticipantBridge } from '../tools/harness/local-participant-bridge';
import { readParticipantBundles } from '../tools/harness/synth';
import type { RecordedRequest } from '../tools/local-aws/endpoint';
import type { FunctionAsset } from './functions';

const ROUTES: Record<string, string> = {
  '/chat-integration-event': 'Connect.SendChatIntegrationEvent',
  '/contact/chat': 'Connect.StartChatContact',
  '/contact/start-streaming': 'Connect.StartContactStreaming',
  '/participant/connection': 'Participant.CreateParticipantConnection',
  '/participant/message': 'Participant.SendMessage',
  '/participant/transcript': 'Participant.GetTranscript',
  '/participant/disconnect': 'Participant.DisconnectParticipant',
};
const operationOf = ({ headers, path }: RecordedRequest) =>
  String(headers['x-amz-target'] ?? ROUTES[path]).replace(/^Amazon/, '');

const customer = {
  originationNumber: '+14255550182',
  destinationNumber: '+12065550100',
};
const text = (messageBody: string) =>
  sqsEvent(smsRecord(inboundSms({ ...customer, messageBody })));

/** One customer's texts through each inbound bundle, one per invocation. */
export const countApiCalls = async (
  integration: FunctionAsset,
  participant: FunctionAsset
) => {
  const logs = { forward: false };
  const bundles = readParticipantBundles(participant.assembly);
  const bridges = {
    'integration-event': () => startLocalBridge({ fn: integration, logs }),
    participant: () => startLocalParticipantBridge({ bundles, logs }),
  };
  const results = [];
  for (const [mode, open] of Object.entries(bridges)) {
    const bridge = await open();
    const all = () => [
      ...bridge.wire.map(({ request }) => operationOf(request)),
      ...bridge.sqs.requests.map(operationOf),
      ...bridge.dynamoDbCalls.map((operation) => `DynamoDB.${operation}`),
    ];
    const later = text('Can you check my order?');
    for (const [step, event] of Object.entries({
      'first text of a chat': text('Hi, I need help'),
      'later text': later,
      'same text redelivered': later,
      'STOP (opt-out)': text('STOP'),
    })) {
      const before = all();
      await ('invoke' in bridge ? bridge.invoke : bridge.invokeInbound)(event);
      const added = all();
      for (const call of before) added.splice(added.indexOf(call), 1);
      const calls = [...new Set(added.sort())].map(
        (call) => `${call} ×${added.filter((c) => c === call).length}`
      );
      results.push({ mode, step, calls: calls.join(', '), n: added.length });
    }
    await bridge.close();
  }
  return results;
};
