import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeMetafile, build } from 'esbuild';
import {
  type BridgeContext,
  readInboundFunction,
  STACK_NAME,
  synthesizeBridge,
} from '../tools/harness/synth';
import { BUILD, functionBuild, OUT, ROOT } from './common';

const ARN = 'arn:aws:connect:us-east-1:111122223333';
const CONTEXT = {
  connectInstanceArn: `${ARN}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify({
    '+12065550100': `${ARN.replace('connect', 'sms-voice')}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};

/**
 * Synthesizes the app as `cdk synth` does, by default and in participant
 * mode with the two-way wiring, and reads each function's bundle.
 */
export const synthesizeFunctions = () => {
  const synth = (name: string, context: BridgeContext) => {
    const outdir = path.join(OUT, `cdk-${name}`);
    rmSync(outdir, { recursive: true, force: true });
    const assembly = synthesizeBridge(context, outdir);
    // A function by its construct path and its entry under lambda/.
    return (construct: string, id: string) => ({
      ...readInboundFunction(
        assembly,
        `${STACK_NAME}/Bridge/${construct}/Resource`
      ),
      id,
      assembly,
      source: `lambda/${id}.ts`,
    });
  };
  const bridge = synth('default', CONTEXT);
  const participant = synth('participant', {
    ...CONTEXT,
    deliveryMode: 'participant',
    contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    configureTwoWay: 'true',
  });
  return [
    bridge('Function', 'inbound-sms/handler'),
    participant('Function', 'inbound-sms/participant-handler'),
    participant('Participant/OutboundFunction', 'outbound-sms/handler'),
    participant('TwoWay/Function', 'two-way-config/handler'),
  ] as const;
};
export type FunctionAsset = ReturnType<typeof synthesizeFunctions>[number];

/**
 * A bundle's sizes as `cdk synth` wrote it, and esbuild's analysis of what
 * fills it, from a build with the same options plus a metafile.
 */
export const measureBundle = async (fn: FunctionAsset) => {
  const code = readFileSync(fn.entry);
  const outdir = path.join(BUILD, 'metafile', fn.id.replace('/', '-'));
  const options = functionBuild(path.join(ROOT, fn.source), outdir);
  const { metafile } = await build({ ...options, metafile: true });
  if (!readFileSync(options.outfile).equals(code)) {
    throw new Error(`${fn.id}: esbuild's bundle is not the synthesized one`);
  }
  const analysis = await analyzeMetafile(metafile);
  writeFileSync(path.join(outdir, 'metafile.json'), JSON.stringify(metafile));
  writeFileSync(path.join(outdir, 'analysis.txt'), analysis);
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
