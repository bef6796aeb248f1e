#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createBridgeStack } from '../lib/bridge-app';

const app = new App();
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app)
);
createBridgeStack(app, process.env.CDK_DEFAULT_ACCOUNT);
