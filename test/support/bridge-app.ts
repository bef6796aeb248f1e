import { Annotations, App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { createBridgeStack } from '../../lib/bridge-app';
import { INTEGRATION_EVENT_RESTRICTED } from '../../lib/delivery';
import type { SmsConnectBridge } from '../../lib/sms-connect-bridge';
import type { SmsConnectBridgeStack } from '../../lib/sms-connect-bridge-stack';
import { cdkFeatureFlags } from '../../tools/harness/synth';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`;
export const NUMBER = '+12065550100';
export const PHONE_NUMBER_ARN = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;

/** Context is what `-c key=value` gives: strings, with objects as JSON. */
export type Context = Readonly<Record<string, unknown>>;

/** The two required keys, as the command line gives them. */
export const REQUIRED_CONTEXT: Context = {
  connectInstanceArn: INSTANCE_ARN,
  phoneNumbers: JSON.stringify({ [NUMBER]: PHONE_NUMBER_ARN }),
};

export interface BridgeApp {
  readonly app: App;
  readonly stack: SmsConnectBridgeStack;
  readonly bridge: SmsConnectBridge;
}

export interface BuildOptions {
  /**
   * The deploying account, as CDK_DEFAULT_ACCOUNT gives it to bin/app.ts.
   * @default - unknown, as in an offline synth
   */
  readonly account?: string;
  /**
   * Keep the warning that SendChatIntegrationEvent is restricted, which
   * `cdk synth` prints; tests that do not look for it acknowledge it, so
   * that it is not printed on every synth.
   * @default false
   */
  readonly keepRestrictionWarning?: boolean;
}

/**
 * Builds the stack the way bin/app.ts does, from a context object.
 * Asset bundling is skipped (`aws:cdk:bundling-stacks` = []) so these tests
 * never run esbuild; the end-to-end tests use the real bundle.
 */
export const buildBridgeApp = (
  context: Context,
  options: BuildOptions = {}
): BridgeApp => {
  const app = new App({
    context: { ...cdkFeatureFlags(), [BUNDLING_STACKS]: [], ...context },
  });
  const stack = createBridgeStack(app, options.account);
  if (!options.keepRestrictionWarning) {
    Annotations.of(stack.bridge).acknowledgeWarning(
      INTEGRATION_EVENT_RESTRICTED,
      'known to the tests'
    );
  }
  return { app, stack, bridge: stack.bridge };
};

export interface SynthesizedBridge extends BridgeApp {
  readonly template: Template;
}

/** Builds and synthesizes the stack; throws what `cdk synth` would report. */
export const synthBridge = (
  context: Context,
  options: BuildOptions = {}
): SynthesizedBridge => {
  const built = buildBridgeApp(context, options);
  return { ...built, template: Template.fromStack(built.stack) };
};

/** The message of the error that building and synthesizing throws. */
export const synthError = (context: Context): string => {
  try {
    synthBridge(context);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the synth to fail, but it succeeded');
};

/** The logical ID of a construct's CloudFormation resource. */
export const logicalIdOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A construct's resource as synthesized, found through the construct. */
export const resourceOf = (
  template: Template,
  construct: IConstruct
): Resource => {
  const id = logicalIdOf(construct);
  const resource = (
    template.toJSON() as { Resources: Record<string, Resource> }
  ).Resources[id];
  if (resource === undefined) {
    throw new Error(`no resource ${id} in the template`);
  }
  return resource;
};

/** A template holding only this construct's resource, for Match assertions. */
export const templateOf = (template: Template, construct: IConstruct) =>
  Template.fromJSON({
    Resources: { [logicalIdOf(construct)]: resourceOf(template, construct) },
  });

/** The properties of a construct's resource. */
export const propertiesOf = (
  template: Template,
  construct: IConstruct
): Record<string, unknown> => resourceOf(template, construct).Properties ?? {};
