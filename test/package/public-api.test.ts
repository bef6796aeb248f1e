import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  BUNDLING_STACKS,
  SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY,
} from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import {
  BridgeAlarms,
  BridgeDashboard,
  Delivery,
  KeywordReplies,
  OptOutSweep,
  SmsConnectBridge,
  TwoWayWiring,
} from '../../lib';

const ACCOUNT = '111122223333';
const NUMBER = '+12065550100';
const PHONE_NUMBER_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;

/** An app of someone else's, with cdk-nag, and the one flag the bridge needs. */
const existingApp = () => {
  const app = new App({
    context: {
      [SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY]: true,
      [BUNDLING_STACKS]: [],
    },
  });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app)
  );
  const stack = new Stack(app, 'Existing', {
    env: { account: ACCOUNT, region: 'us-east-1' },
  });
  return { app, stack };
};

/** Every part, composed beside the bridge in the stack's own scope. */
const composeEverything = (stack: Stack) => {
  const bridge = new SmsConnectBridge(stack, 'Bridge', {
    connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
    phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
    delivery: Delivery.participant({
      contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    }),
    streamingEndpoint: new sns.Topic(stack, 'Streaming', { enforceSSL: true }),
  });
  const keywordReplies = new KeywordReplies(stack, 'KeywordReplies', {
    bridge,
    helpText: 'Text us your question.',
  });
  const twoWay = new TwoWayWiring(stack, 'TwoWay', {
    phoneNumbers: Object.values(bridge.phoneNumbers),
    inboundTopic: bridge.inboundTopic,
    selfManagedOptOuts: keywordReplies,
  });
  const optOutSweep = new OptOutSweep(stack, 'OptOutSweep', { bridge });
  const alarms = new BridgeAlarms(stack, 'Alarms', { bridge, optOutSweep });
  new BridgeDashboard(stack, 'Dashboard', { bridge });
  return { bridge, twoWay, alarms };
};

describe('the public API, from the package entry', () => {
  it('composes every part in an existing stack', () => {
    // Prepare
    const { stack } = existingApp();

    // Act
    const { twoWay, alarms } = composeEverything(stack);

    // Assess
    Template.fromStack(stack).hasResourceProperties(
      'Custom::TwoWayPhoneNumber',
      { SelfManagedOptOutsEnabled: true, OptOutListName: 'Default' }
    );
    expect(twoWay.resources).toHaveLength(1);
    expect(alarms.outbound).toBeDefined();
    expect(alarms.optOutSweep).toBeDefined();
  });

  it('leaves no cdk-nag finding unacknowledged when composed outside the bridge', () => {
    // Prepare
    const { app, stack } = existingApp();
    composeEverything(stack);

    // Act & Assess
    expect(() => app.synth()).not.toThrow();
  });
});
