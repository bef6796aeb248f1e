#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { bridgeSettingsFromContext } from '../lib/context';
import { SmsConnectBridgeStack } from '../lib/sms-connect-bridge-stack';
import { CONNECT_INSTANCE_ARN } from '../lib/validation';

const app = new App();
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app)
);
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
