import { Match } from 'aws-cdk-lib/assertions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  ACCOUNT,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../../support/bridge-app';
import { type Statement, statementsOf } from '../../support/policy';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:existing-two-way`;

const topicPolicyStatements = (
  { template, stack }: SynthesizedBridge,
  topic: ITopic
): Statement[] => {
  const policies = template.findResources('AWS::SNS::TopicPolicy', {
    Properties: { Topics: [stack.resolve(topic.topicArn)] },
  });
  return Object.values(policies).flatMap((policy) =>
    statementsOf(policy.Properties.PolicyDocument)
  );
};

describe('the inbound topic', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it('is encrypted with the topic key', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;
    if (bridge.topicKey === undefined) throw new Error('no topic key');

    // Act
    const properties = propertiesOf(template, bridge.inboundTopic);

    // Assess
    expect(properties.KmsMasterKeyId).toEqual(
      stack.resolve(bridge.topicKey.keyArn)
    );
  });

  it('lets End User Messaging publish only from its own account and region', () => {
    // Prepare
    const { stack, bridge } = synthesized;
    const statements = topicPolicyStatements(synthesized, bridge.inboundTopic);

    // Act
    const allowed = statements.filter(
      (statement) => statement.effect === 'Allow'
    );

    // Assess
    expect(allowed).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'sms-voice.amazonaws.com' },
        actions: ['sns:Publish'],
        resources: [stack.resolve(bridge.inboundTopic.topicArn)],
        condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: {
            'aws:SourceArn': `arn:aws:sms-voice:us-east-1:${ACCOUNT}:*`,
          },
        },
      },
    ]);
  });

  it('denies publishing without TLS', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;
    const topicArn = stack.resolve(bridge.inboundTopic.topicArn);

    // Act
    const policy = {
      Topics: [topicArn],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    };

    // Assess
    template.hasResourceProperties('AWS::SNS::TopicPolicy', policy);
  });
});

describe('an existing inbound topic (inboundTopicArn)', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(
      { ...REQUIRED_CONTEXT, inboundTopicArn: TOPIC_ARN },
      { account: ACCOUNT }
    );
  });

  it('grants End User Messaging nothing, since the topic is not its own', () => {
    // Prepare
    const { template } = synthesized;

    // Act
    const everything = JSON.stringify(template.toJSON());

    // Assess
    expect(everything).not.toContain('sms-voice.amazonaws.com');
  });

  it('subscribes the queue to the given topic', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const subscription = {
      Protocol: 'sqs',
      TopicArn: TOPIC_ARN,
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
});
