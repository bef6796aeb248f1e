import type { App } from 'aws-cdk-lib';
import { bridgeSettingsFromContext } from './context';
import { SmsConnectBridgeStack } from './sms-connect-bridge-stack';
import { CONNECT_INSTANCE_ARN } from './validation';

/**
 * Builds the bridge's stack from the app's context. It deploys to the
 * Connect instance's region, where the numbers and topic must live too.
 */
export const createBridgeStack = (
  app: App,
  account?: string
): SmsConnectBridgeStack => {
  const bridge = bridgeSettingsFromContext(app);
  return new SmsConnectBridgeStack(app, 'SmsConnectBridge', {
    description: 'Inbound SMS from End User Messaging to Amazon Connect chat',
    env: {
      account,
      region: CONNECT_INSTANCE_ARN.exec(bridge.connectInstanceArn)?.[1],
    },
    bridge,
  });
};
