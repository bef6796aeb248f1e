#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { bridgeSettingsFromContext } from '../lib/context';
import { SmsConnectBridgeStack } from '../lib/sms-connect-bridge-stack';
import { CONNECT_INSTANCE_ARN } from '../lib/validation';

const app = new App();
const bridge = bridgeSettingsFromContext(app);
new SmsConnectBridgeStack(app, 'SmsConnectBridge', {
  description: 'Inbound SMS from End User Messaging to Amazon Connect chat',
  // The topic, queue and function live in the Connect instance's region.
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: CONNECT_INSTANCE_ARN.exec(bridge.connectInstanceArn)?.[1],
  },
  bridge,
});
