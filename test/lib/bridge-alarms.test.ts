import { Match } from 'aws-cdk-lib/assertions';
import {
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../support/bridge-app';
import { statementsOf } from '../support/policy';

const PARTICIPANT_CONTEXT = {
  ...REQUIRED_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: '22222222-3333-4444-5555-666666666666',
};

describe('the bridge alarms', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT);
  });

  it('lets CloudWatch alarms of this account publish to the alarm topic', () => {
    // Prepare
    const { template, stack } = synthesized;

    // Act: the topic's policy replaces SNS's default one
    const statements = Object.values(
      template.findResources('AWS::SNS::TopicPolicy', {
        Properties: { Topics: [stack.resolve(stack.alarms.topic.topicArn)] },
      })
    ).flatMap((policy) => statementsOf(policy.Properties.PolicyDocument));

    // Assess
    expect(
      statements.filter((statement) => statement.effect === 'Allow')
    ).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'cloudwatch.amazonaws.com' },
        actions: ['sns:Publish'],
        resources: [stack.resolve(stack.alarms.topic.topicArn)],
        condition: {
          StringEquals: { 'aws:SourceAccount': stack.resolve(stack.account) },
          ArnLike: {
            'aws:SourceArn': stack.resolve(
              `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`
            ),
          },
        },
      },
    ]);
  });

  it('alarms on any message in the dead-letter queue', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: stack.resolve(bridge.deadLetterQueue.queueName),
        },
      ],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on any error of the function', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: stack.resolve(bridge.handler.functionName),
        },
      ],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('alarms when the oldest text has waited five minutes for three minutes', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: stack.resolve(bridge.queue.queueName) },
      ],
      Threshold: 300,
      EvaluationPeriods: 3,
      Period: 60,
    });
  });

  it('notifies the alarm topic when each alarm fires and clears', () => {
    // Prepare
    const { template, stack } = synthesized;
    const topic = stack.resolve(stack.alarms.topic.topicArn);

    // Assess
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // The inbound pipeline's three, and the opt-out sweep's two.
    expect(Object.keys(alarms)).toHaveLength(5);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  it('encrypts the alarm topic with the bridge key', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'SMS bridge alarms',
      KmsMasterKeyId: stack.resolve(bridge.key.keyArn),
    });
  });

  it('subscribes no address by default', () => {
    // Assess
    synthesized.template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { Protocol: 'email' },
      0
    );
  });

  it('subscribes alarmEmail to the alarm topic', () => {
    // Act
    const { template, stack } = synthBridge({
      ...REQUIRED_CONTEXT,
      alarmEmail: 'oncall@example.com',
    });

    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: stack.resolve(stack.alarms.topic.topicArn),
    });
  });

  it('watches the agent replies too in participant mode', () => {
    // Act
    const { template, stack, bridge } = synthBridge(PARTICIPANT_CONTEXT);

    // Assess
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm'))
    ).toHaveLength(8);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: stack.resolve(
            bridge.participant?.outboundDeadLetterQueue.queueName
          ),
        },
      ],
      AlarmDescription: Match.stringLikeRegexp('^Agent replies'),
    });
  });
});
