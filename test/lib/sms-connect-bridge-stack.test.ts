import {
  ACCOUNT,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../support/bridge-app';

describe('the stack outputs', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it.each([
    [
      'InboundTopicArn',
      (s: SynthesizedBridge) => s.bridge.inboundTopic.topicArn,
    ],
    ['QueueUrl', (s: SynthesizedBridge) => s.bridge.queue.queueUrl],
    [
      'DeadLetterQueueUrl',
      (s: SynthesizedBridge) => s.bridge.deadLetterQueue.queueUrl,
    ],
    ['FunctionName', (s: SynthesizedBridge) => s.bridge.handler.functionName],
  ])('prints %s', (name, outputOf) => {
    // Prepare
    const { template, stack } = synthesized;

    // Act
    const expected = { Value: stack.resolve(outputOf(synthesized)) };

    // Assess
    template.hasOutput(name, expected);
  });

  it('prints the given topic ARN when inboundTopicArn is set', () => {
    // Prepare
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:existing-two-way`;

    // Act
    const { template } = synthBridge(
      { ...REQUIRED_CONTEXT, inboundTopicArn: topicArn },
      { account: ACCOUNT }
    );

    // Assess
    template.hasOutput('InboundTopicArn', { Value: topicArn });
  });
});
