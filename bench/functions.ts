import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, type BuildOptions, build } from 'esbuild';
import { FUNCTION_DEFAULTS } from '../lib/function-defaults';
import { INBOUND_FUNCTION_NAME } from '../tools/harness/lambda-context';
import * as sandbox from '../tools/harness/sandbox';
import {
  type BridgeContext,
  OUTBOUND_FUNCTION_PATH,
  readInboundFunction,
  SAMPLE_CONTEXT,
  SAMPLE_PARTICIPANT_CONTEXT,
  synthesizeBridge,
  TWO_WAY_FUNCTION_PATH,
} from '../tools/harness/synth';

export const ROOT = path.join(__dirname, '..');
export const OUT = path.join(ROOT, 'bench', 'out');
export const BUILD = path.join(OUT, 'build');
export const PROFILES = path.join(OUT, 'profiles');

export const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};

// The functions' esbuild options, from the root as NodejsFunction's local
// bundling runs: its asset, byte for byte (measureBundle checks).
const { bundleAwsSDK: _, sourceMap, ...BUNDLING } = FUNCTION_DEFAULTS.bundling;
export const functionBuild = (entry: string, name: string) =>
  ({
    ...BUNDLING,
    sourcemap: sourceMap,
    mainFields: [...BUNDLING.mainFields],
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: path.join(BUILD, name, 'index.js'),
    bundle: true,
    platform: 'node',
    logLevel: 'warning',
  }) satisfies BuildOptions;

/** `cdk synth`'s bundles, by their entry under lambda/ (`id`). */
export const synthesizeFunctions = () => {
  const synth = (name: string, context: BridgeContext) => {
    const outdir = path.join(OUT, `cdk-${name}`);
    rmSync(outdir, { recursive: true, force: true });
    const assembly = synthesizeBridge(context, outdir);
    return (id: string, at?: string) => ({
      ...readInboundFunction(assembly, at),
      id,
      assembly,
    });
  };
  const bridge = synth('default', SAMPLE_CONTEXT);
  const participant = synth('participant', {
    ...SAMPLE_PARTICIPANT_CONTEXT,
    configureTwoWay: 'true',
  });
  return [
    bridge('inbound-sms/handler'),
    participant('inbound-sms/participant-handler'),
    participant('outbound-sms/handler', OUTBOUND_FUNCTION_PATH),
    participant('two-way-config/handler', TWO_WAY_FUNCTION_PATH),
  ] as const;
};
export type FunctionAsset = ReturnType<typeof synthesizeFunctions>[number];

// References as `local-<name>`; services with no local endpoint: closed port.
export const lambdaEnvironment = (
  fn: FunctionAsset,
  endpoints: sandbox.LocalEndpoints = {}
): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  ...sandbox.definedValues(
    sandbox.sandboxedAws(fn.region, INBOUND_FUNCTION_NAME)
  ),
  ...sandbox.endpointVariables('http://127.0.0.1:9', endpoints),
  ...Object.fromEntries(
    Object.entries(fn.variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `local-${name}`,
    ])
  ),
});

/** A bundle's sizes, and esbuild's analysis of what fills it. */
export const measureBundle = async (fn: FunctionAsset) => {
  const code = readFileSync(fn.entry);
  const name = `metafile/${fn.id.replace('/', '-')}`;
  const options = functionBuild(`lambda/${fn.id}.ts`, name);
  const { metafile } = await build({ ...options, metafile: true });
  if (!readFileSync(options.outfile).equals(code)) {
    throw new Error(`${fn.id}: esbuild's bundle is not the synthesized one`);
  }
  const analysis = await analyzeMetafile(metafile);
  writeFileSync(
    path.join(BUILD, name, 'metafile.json'),
    JSON.stringify(metafile)
  );
  writeFileSync(path.join(BUILD, name, 'analysis.txt'), analysis);
  return {
    id: fn.id,
    sizes: [
      code.length,
      gzipSync(code, { level: 9 }).length,
      statSync(`${fn.entry}.map`).size,
    ],
    // The top three inputs, as `file 12.3kb 4.5%`.
    largest: [...analysis.matchAll(/^ {3}[├└] (?:.*node_modules\/)?(.*)$/gm)]
      .slice(0, 3)
      .map(([, input]) => input?.replace(/\s+/g, ' ')),
  };
};
