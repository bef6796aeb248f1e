import { rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  type BridgeContext,
  type InboundFunction,
  readInboundFunction,
  STACK_NAME,
  synthesizeBridge,
} from '../tools/harness/synth';
import { OUT } from './paths';

const ACCOUNT = '111122223333';
export const BRIDGE_NUMBER = '+12065550100';
const CONTEXT: BridgeContext = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify({
    [BRIDGE_NUMBER]: `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};
/** Participant mode with the two-way wiring: every function the app has. */
const PARTICIPANT_CONTEXT: BridgeContext = {
  ...CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  configureTwoWay: 'true',
};

/** Each function: its TypeScript entry and its construct path. */
const FUNCTIONS = {
  'inbound-integration-event': ['lambda/inbound-sms/handler.ts', 'Function'],
  'inbound-participant': [
    'lambda/inbound-sms/participant-handler.ts',
    'Function',
  ],
  outbound: ['lambda/outbound-sms/handler.ts', 'Participant/OutboundFunction'],
  'two-way-config': ['lambda/two-way-config/handler.ts', 'TwoWay/Function'],
} as const;

export type FunctionId = keyof typeof FUNCTIONS;

/** One function of the app: the bundle `cdk synth` wrote for it. */
export interface FunctionAsset extends InboundFunction {
  readonly id: FunctionId;
  /** Its TypeScript entry, to build it again with a metafile. */
  readonly source: string;
  /** The cloud assembly it comes from. */
  readonly assembly: string;
}

/**
 * Synthesizes the app as `cdk synth` does (the default deployment, then
 * participant mode with the two-way wiring) and reads each function's
 * bundle from the assembly.
 */
export const synthesizeFunctions = (): Record<FunctionId, FunctionAsset> => {
  const synth = (name: string, context: BridgeContext) => {
    const outdir = path.join(OUT, `cdk-${name}`);
    rmSync(outdir, { recursive: true, force: true });
    return synthesizeBridge(context, outdir);
  };
  const assemblies = {
    integration: synth('integration-event', CONTEXT),
    participant: synth('participant', PARTICIPANT_CONTEXT),
  };
  const read = (id: FunctionId): FunctionAsset => {
    const [source, construct] = FUNCTIONS[id];
    const assembly =
      id === 'inbound-integration-event'
        ? assemblies.integration
        : assemblies.participant;
    const fn = readInboundFunction(
      assembly,
      `${STACK_NAME}/Bridge/${construct}/Resource`
    );
    return { ...fn, id, source, assembly };
  };
  return Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionId[]).map((id) => [id, read(id)])
  ) as Record<FunctionId, FunctionAsset>;
};
