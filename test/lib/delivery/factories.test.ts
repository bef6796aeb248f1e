import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { Delivery } from '../../../lib/delivery';
import { SmsConnectBridge } from '../../../lib/sms-connect-bridge';
import { cdkFeatureFlags } from '../../../tools/harness/synth';
import {
  ACCOUNT,
  INSTANCE_ARN,
  NUMBER,
  PHONE_NUMBER_ARN,
  REGION,
} from '../../support/bridge-app';

const FLOW = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const OTHER_NUMBER = '+12065550199';

const stackOf = () =>
  new Stack(
    new App({ context: { ...cdkFeatureFlags(), [BUNDLING_STACKS]: [] } }),
    'Delivery',
    { env: { account: ACCOUNT, region: REGION } }
  );

const bridgeWith = (stack: Stack, delivery: Delivery) =>
  new SmsConnectBridge(stack, 'Bridge', {
    connectInstanceArn: INSTANCE_ARN,
    phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
    delivery,
  });

describe('Delivery.participant', () => {
  it('starts chats in the flow contactFlows names for the number', () => {
    // Prepare
    const stack = stackOf();

    // Act
    const bridge = bridgeWith(
      stack,
      Delivery.participant({ contactFlows: { [NUMBER]: FLOW } })
    );

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          CONTACT_FLOW_IDS: JSON.stringify({ [NUMBER]: FLOW }),
        },
      },
    });
    expect(bridge.participant).toBeDefined();
  });

  it('refuses a number contactFlows names that the bridge does not hold', () => {
    // Prepare
    const stack = stackOf();

    // Act
    const build = () =>
      bridgeWith(
        stack,
        Delivery.participant({
          contactFlowId: FLOW,
          contactFlows: { [OTHER_NUMBER]: FLOW },
        })
      );

    // Assess
    expect(build).toThrow(
      `contactFlows keys must be among the bridge's phoneNumbers, got "${OTHER_NUMBER}"`
    );
  });

  it('refuses a number without a flow when no contactFlowId is set', () => {
    // Prepare
    const stack = stackOf();

    // Act
    const build = () => bridgeWith(stack, Delivery.participant({}));

    // Assess
    expect(build).toThrow(
      `contactFlows["${NUMBER}"] is required in participant mode (or set contactFlowId)`
    );
  });
});

describe('Delivery.integrationEvent', () => {
  it('creates no participant resources', () => {
    // Prepare
    const stack = stackOf();

    // Act
    const bridge = bridgeWith(stack, Delivery.integrationEvent());

    // Assess
    expect(bridge.participant).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });
});
