import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import {
  DEFAULT_ATTACHMENT_NOTICE,
  DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
} from '../lib/participant-delivery';
import {
  type BridgeContext,
  type InboundFunction,
  readInboundFunction,
  STACK_NAME,
  synthesizeBridge,
} from '../tools/harness/synth';
import { nodejsFunctionOptions } from './esbuild-options';
import { BUILD, OUT, ROOT } from './paths';

export const ACCOUNT = '111122223333';
export const BRIDGE_NUMBER = '+12065550100';
export const BRIDGE_NUMBER_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;
export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const CONTACT_FLOW_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** The context of a default deployment: one number, integration events. */
const CONTEXT: BridgeContext = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE_ID}`,
  phoneNumbers: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};

/** Participant mode with the two-way wiring: every function the app has. */
const PARTICIPANT_CONTEXT: BridgeContext = {
  ...CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: CONTACT_FLOW_ID,
  configureTwoWay: 'true',
};

export type FunctionId =
  | 'inbound-integration-event'
  | 'inbound-participant'
  | 'outbound'
  | 'two-way-config';

/** One function of the app and the bundle its asset holds. */
export interface FunctionAsset extends InboundFunction {
  readonly id: FunctionId;
  /** Its TypeScript entry. */
  readonly source: string;
  /** `synth`: the asset `cdk synth` wrote; `esbuild`: built here instead. */
  readonly origin: 'synth' | 'esbuild';
  /** Why it was not taken from the synthesized assembly. */
  readonly note?: string;
}

const SOURCES: Record<FunctionId, string> = {
  'inbound-integration-event': 'lambda/inbound-sms/handler.ts',
  'inbound-participant': 'lambda/inbound-sms/participant-handler.ts',
  outbound: 'lambda/outbound-sms/handler.ts',
  'two-way-config': 'lambda/two-way-config/handler.ts',
};

const PATHS: Record<FunctionId, string> = {
  'inbound-integration-event': `${STACK_NAME}/Bridge/Function/Resource`,
  'inbound-participant': `${STACK_NAME}/Bridge/Function/Resource`,
  outbound: `${STACK_NAME}/Bridge/Participant/OutboundFunction/Resource`,
  'two-way-config': `${STACK_NAME}/Bridge/TwoWay/Function/Resource`,
};

/**
 * Variables for a function the bench bundled itself: what the construct
 * sets (CloudFormation references stay references, given local values
 * later), so it runs as the deployed one would.
 */
const FALLBACK_VARIABLES = (
  inbound: InboundFunction
): Record<FunctionId, Record<string, unknown>> => ({
  'inbound-integration-event': inbound.variables,
  'inbound-participant': {
    ...inbound.variables,
    CONNECT_INSTANCE_ID: INSTANCE_ID,
    CONTACT_FLOW_IDS: JSON.stringify({ [BRIDGE_NUMBER]: CONTACT_FLOW_ID }),
    SESSION_TABLE_NAME: { Ref: 'SessionTable' },
    CHAT_STREAMING_TOPIC_ARN: { Ref: 'StreamingTopic' },
    SENT_PART_KEY_PREFIX: { Ref: 'OutboundFunction' },
    ATTACHMENT_NOTICE: DEFAULT_ATTACHMENT_NOTICE,
    UNSUPPORTED_MESSAGE_NOTICE: DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
  },
  outbound: {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge-outbound',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'SmsConnectBridge',
    SESSION_TABLE_NAME: { Ref: 'SessionTable' },
    DEAD_LETTER_QUEUE_URL: { Ref: 'OutboundDeadLetterQueue' },
    ATTACHMENT_NOTICE: DEFAULT_ATTACHMENT_NOTICE,
    UNSUPPORTED_MESSAGE_NOTICE: DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
  },
  'two-way-config': {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'sms-connect-bridge-two-way',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  },
});

export interface AppFunctions {
  readonly functions: Readonly<Record<FunctionId, FunctionAsset>>;
  /** What each synth did, in order, with its time. */
  readonly synths: readonly {
    readonly context: string;
    readonly ms: number;
    readonly error?: string;
  }[];
}

/**
 * Synthesizes the app as `cdk synth` does (default deployment, then
 * participant mode with the two-way wiring) and reads each function's
 * bundle from the assembly. A function the assembly does not have yet (its
 * wiring is missing, or that synth failed) is bundled from its entry with
 * `NodejsFunction`'s options instead, and says so.
 */
export const synthesizeFunctions = (): AppFunctions => {
  const synths: { context: string; ms: number; error?: string }[] = [];
  const synth = (name: string, context: BridgeContext): string | undefined => {
    const outdir = path.join(OUT, `cdk-${name}`);
    rmSync(outdir, { recursive: true, force: true });
    const started = performance.now();
    try {
      const dir = synthesizeBridge(context, outdir);
      synths.push({ context: name, ms: performance.now() - started });
      return dir;
    } catch (error) {
      synths.push({
        context: name,
        ms: performance.now() - started,
        error: String(error).split('\n')[0] ?? '',
      });
      return undefined;
    }
  };

  const defaultDir = synth('integration-event', CONTEXT);
  if (defaultDir === undefined) {
    throw new Error(
      `cdk synth of the default deployment failed: ${synths[0]?.error}`
    );
  }
  const inbound = readInboundFunction(defaultDir);
  const participantDir = synth('participant', PARTICIPANT_CONTEXT);

  const fromAssembly = (
    id: FunctionId,
    dir: string | undefined
  ): FunctionAsset | string => {
    if (dir === undefined) return 'the participant-mode synth failed';
    let fn: InboundFunction;
    try {
      fn = readInboundFunction(dir, PATHS[id]);
    } catch {
      return `the synthesized app has no ${PATHS[id]}`;
    }
    if (id === 'inbound-participant' && !('CONTACT_FLOW_IDS' in fn.variables)) {
      return 'deliveryMode=participant is not wired into the stack yet';
    }
    return { ...fn, id, source: SOURCES[id], origin: 'synth' };
  };

  const fallback = FALLBACK_VARIABLES(inbound);
  const functions = {} as Record<FunctionId, FunctionAsset>;
  for (const id of Object.keys(SOURCES) as FunctionId[]) {
    const found =
      id === 'inbound-integration-event'
        ? { ...inbound, id, source: SOURCES[id], origin: 'synth' as const }
        : fromAssembly(id, participantDir);
    functions[id] =
      typeof found === 'string'
        ? {
            ...inbound,
            id,
            source: SOURCES[id],
            entry: path.join(BUILD, 'functions', id, 'index.js'),
            variables: fallback[id],
            origin: 'esbuild',
            note: found,
          }
        : found;
  }
  return { functions, synths };
};

/** Builds the bundles `synthesizeFunctions` could not take from an assembly. */
export const buildMissingBundles = async (
  functions: Readonly<Record<FunctionId, FunctionAsset>>
): Promise<void> => {
  for (const fn of Object.values(functions)) {
    if (fn.origin !== 'esbuild') continue;
    const outdir = path.dirname(fn.entry);
    mkdirSync(outdir, { recursive: true });
    await build(nodejsFunctionOptions(path.join(ROOT, fn.source), outdir));
    if (!existsSync(fn.entry)) throw new Error(`esbuild wrote no ${fn.entry}`);
  }
};
