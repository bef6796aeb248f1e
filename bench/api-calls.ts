import { inboundSms, smsRecord, sqsEvent } from '../tools/harness/events';
import { startLocalBridge } from '../tools/harness/local-bridge';
import { startLocalParticipantBridge } from '../tools/harness/local-participant-bridge';
import { readParticipantBundles } from '../tools/harness/synth';
import { operationOf } from '../tools/local-aws/endpoint';
import type { FunctionAsset } from './functions';

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
      ...bridge.wire.map(
        ({ service, request }) =>
          `${service.replace(/^./, (c) => c.toUpperCase())}.${operationOf(request)}`
      ),
      ...bridge.sqs.requests.map((request) => `SQS.${operationOf(request)}`),
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
