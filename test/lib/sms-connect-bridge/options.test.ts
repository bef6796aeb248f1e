import { Annotations, App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INTEGRATION_EVENT_RESTRICTED } from '../../../lib/delivery';
import { SmsConnectBridge } from '../../../lib/sms-connect-bridge';
import {
  ACCOUNT,
  INSTANCE_ARN,
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  synthBridge,
  synthError,
} from '../../support/bridge-app';
import { namedTopicArn, statementsOf } from '../../support/policy';

describe('the bridge options', () => {
  it("lets CloudWatch use the queue key only for the alarm topic's messages", () => {
    // Prepare
    const { template, bridge, stack } = synthBridge(REQUIRED_CONTEXT, {
      account: ACCOUNT,
    });

    // Act
    const cloudwatch = statementsOf(
      propertiesOf(template, bridge.key).KeyPolicy
    ).filter((statement) =>
      JSON.stringify(statement.principal).includes('cloudwatch.amazonaws.com')
    );

    // Assess
    expect(cloudwatch).toEqual([
      {
        effect: 'Allow',
        principal: { Service: 'cloudwatch.amazonaws.com' },
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        condition: {
          StringEquals: {
            'kms:EncryptionContext:aws:sns:topicArn': stack.resolve(
              namedTopicArn(stack.alarms.topic)
            ),
          },
        },
      },
    ]);
  });

  it('creates no two-way custom resource by default', () => {
    // Act
    const { template, stack } = synthBridge(REQUIRED_CONTEXT);

    // Assess
    expect(stack.twoWayWiring).toBeUndefined();
    template.resourceCountIs('Custom::TwoWayPhoneNumber', 0);
  });

  it('wires each number to the inbound topic when configureTwoWay is true', () => {
    // Act
    const { template, stack, bridge } = synthBridge({
      ...REQUIRED_CONTEXT,
      configureTwoWay: 'true',
      selfManagedOptOuts: 'true',
    });

    // Assess
    expect(stack.twoWayWiring?.resources).toHaveLength(1);
    template.hasResourceProperties(
      'Custom::TwoWayPhoneNumber',
      Match.objectLike({
        TwoWayChannelArn: stack.resolve(bridge.inboundTopic.topicArn),
        SelfManagedOptOutsEnabled: true,
      })
    );
    expect(JSON.stringify(template.toJSON())).toContain(PHONE_NUMBER_ARN);
  });

  it.each([
    ['selfManagedOptOuts', 'true'],
    ['pools', '["pool-0123456789abcdef0123456789abcdef"]'],
  ])('refuses %s without configureTwoWay', (key, value) => {
    // Act
    const message = synthError({ ...REQUIRED_CONTEXT, [key]: value });

    // Assess
    expect(message).toMatch(new RegExp(`^${key} needs configureTwoWay=true`));
  });

  it('refuses a configureTwoWay that is not true or false', () => {
    // Act
    const message = synthError({ ...REQUIRED_CONTEXT, configureTwoWay: 'yes' });

    // Assess
    expect(message).toBe('configureTwoWay must be true or false, got "yes"');
  });

  it('refuses an app without the flag that scopes the queue key to the topic', () => {
    // Prepare: an app without cdk.json's feature flags
    const stack = new Stack(new App(), 'Bare', {
      env: { account: ACCOUNT, region: 'us-east-1' },
    });

    // Act
    const build = () =>
      new SmsConnectBridge(stack, 'Bridge', {
        connectInstanceArn: INSTANCE_ARN,
        phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
      });

    // Assess
    expect(build).toThrow(
      /^feature flag @aws-cdk\/aws-sns-subscriptions:restrictSqsDescryption must be true in cdk\.json/
    );
  });

  it('builds in an app with that flag set', () => {
    // Prepare
    const app = new App({
      context: {
        '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
        'aws:cdk:bundling-stacks': [],
      },
    });
    const stack = new Stack(app, 'WithFlag', {
      env: { account: ACCOUNT, region: 'us-east-1' },
    });

    // Act
    const bridge = new SmsConnectBridge(stack, 'Bridge', {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
    });
    Annotations.of(bridge).acknowledgeWarning(
      INTEGRATION_EVENT_RESTRICTED,
      'another test reads it'
    );

    // Assess
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 2);
  });
});
