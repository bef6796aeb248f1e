import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import {
  ParticipantDelivery,
  type ParticipantDeliveryProps,
} from '../../lib/participant-delivery';
import { cdkFeatureFlags } from '../../tools/harness/synth';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`;
export const FLOW_SALES = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const FLOW_SUPPORT = 'ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee';
export const PHONE_ARNS = {
  '+12065550100': `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  '+12065550101': `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-11111111111111111111111111111111`,
  '+12065550102': `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-22222222222222222222222222222222`,
} as const;

/** Three numbers, two of them sharing the sales flow. */
export const PHONE_NUMBERS: ParticipantDeliveryProps['phoneNumbers'] = {
  '+12065550100': {
    arn: PHONE_ARNS['+12065550100'],
    contactFlowId: FLOW_SALES,
  },
  '+12065550101': {
    arn: PHONE_ARNS['+12065550101'],
    contactFlowId: FLOW_SALES,
  },
  '+12065550102': {
    arn: PHONE_ARNS['+12065550102'],
    contactFlowId: FLOW_SUPPORT,
  },
};

export interface ParticipantStack {
  readonly app: App;
  readonly stack: Stack;
  readonly key: kms.Key;
  readonly inbound: lambda.Function;
  readonly delivery: ParticipantDelivery;
  readonly template: Template;
}

/**
 * A small stack with what the bridge hands the construct: its key and its
 * inbound function. Bundling is skipped, so esbuild never runs.
 */
export const buildParticipantStack = (
  overrides: Partial<ParticipantDeliveryProps> = {},
  configure: (app: App) => void = () => undefined
): ParticipantStack => {
  const app = new App({
    context: { ...cdkFeatureFlags(), [BUNDLING_STACKS]: [] },
  });
  configure(app);
  const stack = new Stack(app, 'Participant', {
    env: { account: ACCOUNT, region: REGION },
  });
  const key = new kms.Key(stack, 'BridgeKey', { enableKeyRotation: true });
  const inbound = new lambda.Function(stack, 'Inbound', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    memorySize: 256,
    timeout: Duration.seconds(30),
  });
  // The bridge's function, which the construct is given, is checked with
  // the bridge; this stand-in is not.
  Validations.of(inbound).acknowledge(
    ...[
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Serverless::Serverless-LambdaDLQ',
      'Serverless::Serverless-LambdaTracing',
    ].map((id) => ({ id, reason: 'A test stand-in for the bridge function.' }))
  );
  const delivery = new ParticipantDelivery(stack, 'Participant', {
    key,
    connectInstanceArn: INSTANCE_ARN,
    phoneNumbers: PHONE_NUMBERS,
    inboundFunction: inbound,
    ...overrides,
  });
  return {
    app,
    stack,
    key,
    inbound,
    delivery,
    template: Template.fromStack(stack),
  };
};

/** The message the construct throws for these props. */
export const buildError = (overrides: Partial<ParticipantDeliveryProps>) => {
  try {
    buildParticipantStack(overrides);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the construct to fail, but it succeeded');
};
