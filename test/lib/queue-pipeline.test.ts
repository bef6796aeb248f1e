import { Match } from 'aws-cdk-lib/assertions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { minimumRetryWindowSeconds } from '../../lambda/inbound-sms/retry-delay';
import {
  ACCOUNT,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
  templateOf,
} from '../support/bridge-app';
import { type Statement, statementsOf } from '../support/policy';

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

const queuePolicyStatements = (
  { template, stack }: SynthesizedBridge,
  queue: IQueue
): Statement[] => {
  const policies = template.findResources('AWS::SQS::QueuePolicy', {
    Properties: { Queues: [stack.resolve(queue.queueUrl)] },
  });
  return Object.values(policies).flatMap((policy) =>
    statementsOf(policy.Properties.PolicyDocument)
  );
};

describe('the queues', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it.each([
    ['queue', (s: SynthesizedBridge) => s.bridge.queue],
    ['dead-letter queue', (s: SynthesizedBridge) => s.bridge.deadLetterQueue],
  ])('encrypts the %s with the bridge key', (_name, queueOf) => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const properties = propertiesOf(template, queueOf(synthesized));

    // Assess
    expect(properties.KmsMasterKeyId).toEqual(stack.resolve(bridge.key.keyArn));
  });

  it.each([
    ['queue', (s: SynthesizedBridge) => s.bridge.queue],
    ['dead-letter queue', (s: SynthesizedBridge) => s.bridge.deadLetterQueue],
  ])('denies any use of the %s without TLS', (_name, queueOf) => {
    // Prepare
    const { template, stack } = synthesized;
    const queue = queueOf(synthesized);

    // Act
    const policy = {
      Queues: [stack.resolve(queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Resource: stack.resolve(queue.queueArn),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    };

    // Assess
    template.hasResourceProperties('AWS::SQS::QueuePolicy', policy);
  });

  it('moves a message to the dead-letter queue after forty-three receives', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const queue = templateOf(template, bridge.queue);

    // Assess
    queue.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(bridge.deadLetterQueue.queueArn),
        maxReceiveCount: 43,
      },
    });
  });

  it('keeps a failing text at least 12 minutes before its last receive, as five receives 180 s apart did', () => {
    // Prepare
    const { template, bridge } = synthesized;
    const redrive = propertiesOf(template, bridge.queue).RedrivePolicy as {
      maxReceiveCount: number;
    };

    // Act
    const window = minimumRetryWindowSeconds(redrive.maxReceiveCount);

    // Assess
    expect(window).toBeGreaterThanOrEqual(4 * 180);
  });

  it('hides a received message for at least six function timeouts', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const visibility = propertiesOf(template, bridge.queue).VisibilityTimeout;
    const timeout = propertiesOf(template, bridge.handler).Timeout;

    // Assess
    expect(typeof timeout).toBe('number');
    expect(visibility).toBeGreaterThanOrEqual(6 * (timeout as number));
  });

  it('keeps dead letters for 14 days', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const properties = propertiesOf(template, bridge.deadLetterQueue);

    // Assess
    expect(properties.MessageRetentionPeriod).toBe(FOURTEEN_DAYS);
  });

  it.each([
    ['queue', (s: SynthesizedBridge) => s.bridge.queue],
    ['dead-letter queue', (s: SynthesizedBridge) => s.bridge.deadLetterQueue],
  ])('lets only the inbound topic send to the %s', (_name, queueOf) => {
    // Prepare
    const { stack, bridge } = synthesized;
    const queue = queueOf(synthesized);

    // Act
    const allowed = queuePolicyStatements(synthesized, queue).filter(
      (statement) => statement.effect === 'Allow'
    );

    // Assess
    expect(allowed).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'sns.amazonaws.com' },
        actions: ['sqs:SendMessage'],
        resources: [stack.resolve(queue.queueArn)],
        condition: {
          ArnEquals: {
            'aws:SourceArn': stack.resolve(bridge.inboundTopic.topicArn),
          },
        },
      },
    ]);
  });
});

describe('the subscription of the queue to the topic', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it('delivers the topic to the queue', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const subscription = {
      Protocol: 'sqs',
      TopicArn: stack.resolve(bridge.inboundTopic.topicArn),
      Endpoint: stack.resolve(bridge.queue.queueArn),
    };

    // Assess
    expect(
      Object.keys(
        template.findResources('AWS::SNS::Subscription', {
          Properties: subscription,
        })
      )
    ).toHaveLength(1);
  });

  it('sends what it cannot deliver to the dead-letter queue', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const subscription = {
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(bridge.deadLetterQueue.queueArn),
      },
    };

    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', subscription);
  });

  it('keeps the SNS envelope (raw message delivery off)', () => {
    // Prepare
    const { template } = synthesized;

    // Act
    const [subscription] = Object.values(
      template.findResources('AWS::SNS::Subscription', {
        Properties: { Protocol: 'sqs' },
      })
    );

    // Assess
    expect(subscription).toBeDefined();
    expect([undefined, false]).toContain(
      subscription?.Properties.RawMessageDelivery
    );
  });
});
