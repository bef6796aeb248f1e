import * as path from 'node:path';
import { Annotations, App } from 'aws-cdk-lib';
import {
  ASSET_RESOURCE_METADATA_ENABLED_CONTEXT,
  CloudAssembly,
  PATH_METADATA_ENABLE_CONTEXT,
} from 'aws-cdk-lib/cx-api';
import cdkJson from '../../cdk.json';
import { createBridgeStack } from '../../lib/bridge-app';
import { INTEGRATION_EVENT_RESTRICTED } from '../../lib/delivery';
import { withBundlerOutputOnStreams } from './bundler-output';
import type { TableKeySchema } from './dynalite';

export const STACK_NAME = 'SmsConnectBridge';
const BRIDGE = `${STACK_NAME}/Bridge`;
export const OUTBOUND_FUNCTION_PATH = `${BRIDGE}/Participant/OutboundFunction/Resource`;
export const TWO_WAY_FUNCTION_PATH = `${BRIDGE}/TwoWay/Function/Resource`;
export const OPT_OUT_SWEEP_FUNCTION_PATH = `${BRIDGE}/OptOutSweep/Function/Resource`;

export type BridgeContext = Readonly<Record<string, unknown>>;

// Fictitious: NANP 555-01xx, Ofcom's 07700 900xxx and the documentation account.
const AT = 'us-east-1:111122223333';
/** The demo's, the bench's and fault injection's bridge numbers. */
export const SAMPLE_NUMBERS: Readonly<Record<string, string>> = {
  '+12065550100': `arn:aws:sms-voice:${AT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  '+447700900000': `arn:aws:sms-voice:${AT}:phone-number/phone-fedcba9876543210fedcba9876543210`,
};
export const SAMPLE_CONTEXT = {
  connectInstanceArn: `arn:aws:connect:${AT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify(SAMPLE_NUMBERS),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};
export const SAMPLE_PARTICIPANT_CONTEXT = {
  ...SAMPLE_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};

export interface InboundFunction {
  readonly entry: string;
  readonly handlerName: string;
  readonly region: string;
  readonly timeoutSeconds: number;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type ParticipantBundles = ReturnType<typeof readParticipantBundles>;

/** Synthesizes the app into `outdir` as `cdk synth` does, with the real bundling. */
export const synthesizeBridge = (
  context: BridgeContext,
  outdir: string
): string =>
  // The functions are bundled as the stack is built, before `synth`.
  withBundlerOutputOnStreams(() => {
    const app = new App({
      outdir,
      context: {
        ...cdkFeatureFlags(),
        // The CLI turns these on; they are how a function's code is found.
        [PATH_METADATA_ENABLE_CONTEXT]: true,
        [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
        ...context,
      },
    });
    const stack = createBridgeStack(app);
    // `cdk synth` prints it for people; the harness's users know it.
    Annotations.of(stack.bridge).acknowledgeWarning(
      INTEGRATION_EVENT_RESTRICTED,
      'known to the harness'
    );
    return app.synth().directory;
  });

interface Resource {
  readonly Type: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  // biome-ignore lint/suspicious/noExplicitAny: whatever the type declares
  readonly Properties?: any;
}

export const readStack = (assemblyDir: string) => {
  const stack = new CloudAssembly(assemblyDir).getStackByName(STACK_NAME);
  return {
    template: stack.template as { Resources: Record<string, Resource> },
    region: stack.environment.region,
  };
};

const resourceAt = (assemblyDir: string, at: string) => {
  const { template, region } = readStack(assemblyDir);
  const found = Object.values(template.Resources).find(
    ({ Metadata }) => Metadata?.['aws:cdk:path'] === at
  );
  if (found === undefined) throw new Error(`no ${at} in ${assemblyDir}`);
  return { ...found, region };
};

/** A function of a cloud assembly by its construct path, the inbound one by default. */
export const readInboundFunction = (
  assemblyDir: string,
  functionPath = `${BRIDGE}/Function/Resource`
): InboundFunction => {
  const found = resourceAt(assemblyDir, functionPath);
  const fn = found.Properties;
  const [, file, handlerName = ''] = /^(.+)\.([^.]+)$/.exec(fn.Handler) ?? [];
  return {
    entry: path.join(
      assemblyDir,
      String(found.Metadata?.['aws:asset:path']),
      `${file}.js`
    ),
    handlerName,
    region: found.region,
    timeoutSeconds: fn.Timeout ?? 3,
    variables: fn.Environment?.Variables ?? {},
  };
};

export const readParticipantBundles = (assemblyDir: string) => {
  const tableKey = (at: string): TableKeySchema => {
    const table = resourceAt(assemblyDir, `${BRIDGE}/${at}/Resource`);
    const { KeySchema, AttributeDefinitions } = table.Properties;
    return { KeySchema, AttributeDefinitions };
  };
  return {
    inbound: readInboundFunction(assemblyDir),
    outbound: readInboundFunction(assemblyDir, OUTBOUND_FUNCTION_PATH),
    sessionTableKey: tableKey('Participant/SessionTable'),
    idempotencyTableKey: tableKey('IdempotencyTable'),
  };
};

/** The variables with each reference replaced by its local value; a missing one fails. */
export const resolveVariables = (
  variables: Readonly<Record<string, unknown>>,
  local: Readonly<Record<string, string>>
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      const resolved = local[name] ?? value;
      if (typeof resolved !== 'string') {
        throw new Error(
          `${name} is ${JSON.stringify(value)} in the template; give a local value for it`
        );
      }
      return [name, resolved];
    })
  );

/** cdk.json's feature flags (`@` keys), which the CLI hands to bin/app.ts. */
export const cdkFeatureFlags = (): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(cdkJson.context).filter(([key]) => key.startsWith('@'))
  );
