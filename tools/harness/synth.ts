import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Annotations, App } from 'aws-cdk-lib';
import { PATH_METADATA_ENABLE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { createBridgeStack } from '../../lib/bridge-app';
import { INTEGRATION_EVENT_RESTRICTED } from '../../lib/delivery';
import { withBundlerOutputOnStreams } from './bundler-output';
import type { TableKeySchema } from './dynalite';

/** The stack bin/app.ts builds, and the construct paths of its parts. */
export const STACK_NAME = 'SmsConnectBridge';
export const INBOUND_FUNCTION_PATH = `${STACK_NAME}/Bridge/Function/Resource`;
export const IDEMPOTENCY_TABLE_PATH = `${STACK_NAME}/Bridge/IdempotencyTable/Resource`;
/** Participant mode (`deliveryMode=participant`) only. */
export const OUTBOUND_FUNCTION_PATH = `${STACK_NAME}/Bridge/Participant/OutboundFunction/Resource`;
export const SESSION_TABLE_PATH = `${STACK_NAME}/Bridge/Participant/SessionTable/Resource`;
/** `configureTwoWay=true` only. */
export const TWO_WAY_FUNCTION_PATH = `${STACK_NAME}/Bridge/TwoWay/Function/Resource`;

const ROOT = path.join(__dirname, '..', '..');

/** CDK context as `-c key=value` gives it: objects and lists as JSON. */
export type BridgeContext = Readonly<Record<string, unknown>>;

/** A function of the stack as a cloud assembly holds it. */
export interface InboundFunction {
  /** The bundled file the handler lives in (`<asset folder>/index.js`). */
  readonly entry: string;
  /** The export the runtime calls (`handler` for `index.handler`). */
  readonly handlerName: string;
  readonly region: string;
  readonly timeoutSeconds: number;
  /** Environment.Variables as in the template, references included. */
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Synthesizes the app as `cdk synth` does, with cdk.json's feature flags and
 * the real esbuild bundling, into `outdir`; returns the assembly folder.
 */
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
        // The CLI turns this on; it is how the function is found below.
        [PATH_METADATA_ENABLE_CONTEXT]: true,
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

/** Synthesizes the app and reads its inbound function. */
export const synthesizeInboundFunction = (
  context: BridgeContext,
  outdir: string
): InboundFunction => readInboundFunction(synthesizeBridge(context, outdir));

/** A function of the stack, by its construct path. */
export type BridgeFunction = InboundFunction;

/** What participant mode runs: both functions and the session table's key. */
export interface ParticipantBundles {
  readonly inbound: BridgeFunction;
  readonly outbound: BridgeFunction;
  readonly sessionTableKey: TableKeySchema;
  readonly idempotencyTableKey: TableKeySchema;
}

/** Synthesizes the app in participant mode and reads what it runs. */
export const synthesizeParticipantBundles = (
  context: BridgeContext,
  outdir: string
): ParticipantBundles =>
  readParticipantBundles(synthesizeBridge(context, outdir));

/**
 * Reads the inbound and outbound functions of a participant-mode assembly,
 * with the keys of the tables they use, as the construct defines them.
 */
export const readParticipantBundles = (
  assemblyDir: string
): ParticipantBundles => ({
  inbound: readInboundFunction(assemblyDir),
  outbound: readInboundFunction(assemblyDir, OUTBOUND_FUNCTION_PATH),
  sessionTableKey: readTableKey(assemblyDir, SESSION_TABLE_PATH),
  idempotencyTableKey: readTableKey(assemblyDir, IDEMPOTENCY_TABLE_PATH),
});

/** A custom resource of the stack, as its template gives it. */
export interface TemplateCustomResource {
  readonly logicalId: string;
  readonly type: string;
  /** Properties as in the template, references included. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The stack's custom resources of one type (`Custom::TwoWayPhoneNumber`). */
export const readCustomResources = (
  assemblyDir: string,
  type: string
): TemplateCustomResource[] => {
  const { template } = readStack(assemblyDir);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({
      logicalId,
      type,
      properties: (resource.Properties ?? {}) as Record<string, unknown>,
    }));
};

/** The key of a DynamoDB table of the stack, by its construct path. */
export const readTableKey = (
  assemblyDir: string,
  tablePath: string
): TableKeySchema => {
  const { template, templateFile } = readStack(assemblyDir);
  const table = findResource(template, 'AWS::DynamoDB::Table', tablePath) as
    | Partial<TableKeySchema>
    | undefined;
  if (!table?.KeySchema || !table.AttributeDefinitions) {
    throw new Error(`no table ${tablePath} in ${templateFile}`);
  }
  return {
    KeySchema: table.KeySchema,
    AttributeDefinitions: table.AttributeDefinitions,
  };
};

/**
 * Finds the inbound function in a cloud assembly (from `synthesizeBridge` or
 * `cdk synth -o`): its code through the asset manifest, its environment
 * through the template. `functionPath` picks another function of the stack
 * by its construct path.
 */
export const readInboundFunction = (
  assemblyDir: string,
  functionPath = INBOUND_FUNCTION_PATH
): InboundFunction => {
  const { manifest, stack, template, templateFile } = readStack(assemblyDir);
  const fn = findResource(template, 'AWS::Lambda::Function', functionPath) as
    | FunctionProperties
    | undefined;
  if (fn === undefined) {
    throw new Error(`no function ${functionPath} in ${templateFile}`);
  }
  const codeDir = assetFolder(assemblyDir, manifest, stack, fn.Code.S3Key);
  const handler = /^(.+)\.([^.]+)$/.exec(fn.Handler);
  if (handler === null) throw new Error(`unexpected handler ${fn.Handler}`);
  return {
    entry: path.join(codeDir, `${handler[1]}.js`),
    handlerName: handler[2] as string,
    region: /^aws:\/\/[^/]+\/(.+)$/.exec(stack.environment ?? '')?.[1] ?? '',
    timeoutSeconds: fn.Timeout ?? 3,
    variables: fn.Environment?.Variables ?? {},
  };
};

/**
 * The function's environment with each CloudFormation reference (a queue
 * URL, a table name) replaced by the local value given for its variable.
 * Fails on a reference with no local value, so a new one is not missed.
 */
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

interface Artifact {
  readonly type: string;
  readonly environment?: string;
  readonly dependencies?: readonly string[];
  readonly properties?: {
    readonly templateFile?: string;
    readonly file?: string;
  };
}

interface AssemblyManifest {
  readonly artifacts: Readonly<Record<string, Artifact>>;
}

interface FunctionProperties {
  readonly Code: { readonly S3Key?: unknown };
  readonly Handler: string;
  readonly Timeout?: number;
  readonly Environment?: { readonly Variables?: Record<string, unknown> };
}

interface Template {
  readonly Resources: Readonly<
    Record<
      string,
      {
        readonly Type: string;
        readonly Metadata?: Record<string, unknown>;
        readonly Properties?: unknown;
      }
    >
  >;
}

/** The assembly's manifest, and the stack's artifact and template. */
export const readStack = (assemblyDir: string) => {
  const manifest = readJson<AssemblyManifest>(assemblyDir, 'manifest.json');
  const stack = manifest.artifacts[STACK_NAME];
  const templateFile = stack?.properties?.templateFile;
  if (stack?.type !== 'aws:cloudformation:stack' || !templateFile) {
    throw new Error(`no stack ${STACK_NAME} in ${assemblyDir}`);
  }
  const template = readJson<Template>(assemblyDir, templateFile);
  return { manifest, stack, template, templateFile };
};

/** The properties of the resource of this type at this construct path. */
const findResource = (
  template: Template,
  type: string,
  constructPath: string
): unknown =>
  Object.values(template.Resources).find(
    (resource) =>
      resource.Type === type &&
      resource.Metadata?.['aws:cdk:path'] === constructPath
  )?.Properties;

interface AssetManifest {
  readonly files: Readonly<
    Record<
      string,
      {
        readonly source: {
          readonly path?: string;
          readonly packaging?: string;
        };
        readonly destinations: Readonly<
          Record<string, { readonly objectKey: string }>
        >;
      }
    >
  >;
}

/** The folder of the file asset published to the function's S3 key. */
const assetFolder = (
  assemblyDir: string,
  manifest: AssemblyManifest,
  stack: Artifact,
  s3Key: unknown
): string => {
  const assetManifests = (stack.dependencies ?? [])
    .map((id) => manifest.artifacts[id])
    .filter((artifact) => artifact?.type === 'cdk:asset-manifest')
    .map((artifact) =>
      readJson<AssetManifest>(assemblyDir, artifact?.properties?.file ?? '')
    );
  for (const { files } of assetManifests) {
    const asset = Object.values(files).find(({ destinations }) =>
      Object.values(destinations).some(({ objectKey }) => objectKey === s3Key)
    );
    if (asset?.source.path !== undefined) {
      return path.join(assemblyDir, asset.source.path);
    }
  }
  throw new Error(
    `no asset for the function's code ${JSON.stringify(s3Key)} in ${assemblyDir}`
  );
};

/**
 * cdk.json's feature flags. The CLI hands them to bin/app.ts, and some
 * change the template (the SQS subscription's key grant is scoped to the
 * topic only with one of them), so whatever builds the app uses them too.
 * Other keys there (a deployment's own settings) are left out.
 */
export const cdkFeatureFlags = (): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(
      readJson<{ context?: Record<string, unknown> }>(ROOT, 'cdk.json')
        .context ?? {}
    ).filter(([key]) => key.startsWith('@'))
  );

const readJson = <T>(dir: string, file: string): T =>
  JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;
