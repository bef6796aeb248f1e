import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findNode24 } from '../tools/node24/node24';
import { familyOf } from './bundle-size';
import { analyzeCpuProfile, type CpuBreakdown } from './cpu-profile';
import { nodejsFunctionOptions } from './esbuild-options';
import { categoryOf, FrameResolver } from './frames';
import type { FunctionAsset, FunctionId } from './functions';
import { lambdaEnvironment } from './lambda-env';
import { BUILD, fromRoot, PROFILES, ROOT } from './paths';
import { median, round } from './stats';

/**
 * Runs in a fresh process: times one `require`, reports peak memory. The
 * peak is the kernel's VmHWM of this process image: Linux carries
 * getrusage's maxRSS over from the parent across fork and exec, so
 * `process.resourceUsage().maxRSS` would show the (larger) bench process.
 */
const LOADER = `'use strict';
const file = process.argv[2];
const start = process.hrtime.bigint();
if (file) require(file);
const end = process.hrtime.bigint();
const peakKb = () => {
  try {
    const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
    return Number(/VmHWM:\\s*(\\d+)/.exec(status)[1]);
  } catch {
    return process.resourceUsage().maxRSS;
  }
};
process.stdout.write(JSON.stringify({
  loadMs: Number(end - start) / 1e6,
  maxRssKb: peakKb(),
  heapUsedKb: Math.round(process.memoryUsage().heapUsed / 1024),
  startUs: Number(start / 1000n),
  endUs: Number(end / 1000n),
}));
`;

interface LoadRun {
  readonly loadMs: number;
  readonly maxRssKb: number;
  readonly heapUsedKb: number;
  /** Spawn to exit, as seen by the parent: Node's start-up included. */
  readonly processMs: number;
  readonly startUs: number;
  readonly endUs: number;
}

export interface LoadVariant {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly nodeOptions: string;
  /** Size of the bundle required, 0 when it is not a bundle. */
  readonly bytes: number;
  readonly runs: number;
  readonly loadMs: number;
  readonly loadMsMin: number;
  readonly loadMsMax: number;
  readonly processMs: number;
  readonly maxRssMb: number;
  readonly heapUsedMb: number;
}

/** The cold-start figures of one Node. */
export interface ColdStartOnNode {
  /** `process.version` of the Node measured. */
  readonly node: string;
  readonly nodeBaseline: LoadVariant;
  /** The deployed handler vs @aws-sdk/client-connect bundled alone. */
  readonly ratio: number;
  /** The same, both without --enable-source-maps. */
  readonly ratioWithoutSourceMaps: number;
  /** The handler vs `require('@aws-sdk/client-connect')` from node_modules. */
  readonly ratioToNodeModules: number;
  readonly variants: readonly LoadVariant[];
  /** Where the deployed handler's load time goes (one profiled load). */
  readonly loadProfile: CpuBreakdown;
}

/**
 * The figures on the Node running the bench, and the same on Node 24, the
 * Node of the functions' runtime (nodejs24.x), in the same rounds; or why
 * this machine has no Node 24 to run (tools/node24).
 */
export interface ColdStart extends ColdStartOnNode {
  readonly node24: ColdStartOnNode | { readonly skipped: string };
}

/** A Node binary the loads run on. */
interface NodeBinary {
  readonly execPath: string;
  readonly version: string;
}

interface Candidate {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly env: Record<string, string>;
  readonly runs: number;
}

/**
 * Section 2: fresh Node processes that only `require` a module, with the
 * function's environment set (NODE_OPTIONS included, as Lambda applies
 * it), on this Node and on the pinned Node 24. Variants and Nodes run
 * round-robin so drift hits all alike.
 */
export const measureColdStart = async (
  functions: Readonly<Record<FunctionId, FunctionAsset>>,
  runs: number
): Promise<ColdStart> => {
  mkdirSync(BUILD, { recursive: true });
  const loader = path.join(BUILD, 'cold-load.js');
  writeFileSync(loader, LOADER);
  const inbound = functions['inbound-integration-event'];
  const deployedEnv = lambdaEnvironment(inbound, {});
  const sourceMaps = deployedEnv.NODE_OPTIONS ?? '';
  const { NODE_OPTIONS: _runtime, ...plainEnv } = deployedEnv;
  const withMaps = { ...plainEnv, NODE_OPTIONS: sourceMaps };

  const clientConnect = await bundleAlone(
    'client-connect',
    "module.exports = require('@aws-sdk/client-connect');"
  );
  const candidates: Candidate[] = [
    {
      name: 'handler',
      description: `inbound handler bundle (the synthesized asset), NODE_OPTIONS=${sourceMaps}`,
      file: inbound.entry,
      env: withMaps,
      runs,
    },
    {
      name: 'client-connect',
      description: `@aws-sdk/client-connect alone, bundled with the same options, NODE_OPTIONS=${sourceMaps}`,
      file: clientConnect,
      env: withMaps,
      runs,
    },
    {
      name: 'client-connect + client-dynamodb',
      description: `@aws-sdk/client-connect and @aws-sdk/client-dynamodb bundled alone (the clients of the handler's three calls), NODE_OPTIONS=${sourceMaps}`,
      file: await bundleAlone(
        'client-connect+dynamodb',
        "module.exports = [require('@aws-sdk/client-connect'), require('@aws-sdk/client-dynamodb')];"
      ),
      env: withMaps,
      runs: Math.max(3, Math.ceil(runs / 2)),
    },
    {
      name: 'handler, no source maps',
      description: 'inbound handler bundle, NODE_OPTIONS unset',
      file: inbound.entry,
      env: plainEnv,
      runs,
    },
    {
      name: 'client-connect, no source maps',
      description: '@aws-sdk/client-connect bundled alone, NODE_OPTIONS unset',
      file: clientConnect,
      env: plainEnv,
      runs,
    },
    {
      name: 'client-connect from node_modules',
      description:
        "require('@aws-sdk/client-connect') unbundled, NODE_OPTIONS unset",
      file: require.resolve('@aws-sdk/client-connect', { paths: [ROOT] }),
      env: plainEnv,
      runs,
    },
    {
      name: 'node alone',
      description: 'a fresh Node process that requires nothing',
      file: '',
      env: plainEnv,
      runs,
    },
  ];
  // Each of the other functions, as deployed, for the record.
  for (const id of [
    'inbound-participant',
    'outbound',
    'two-way-config',
  ] as const) {
    const fn = functions[id];
    candidates.push({
      name: `${id} handler`,
      description: `${id} bundle (${fn.origin}), its NODE_OPTIONS`,
      file: fn.entry,
      env: lambdaEnvironment(fn, {}),
      runs: Math.max(3, Math.ceil(runs / 3)),
    });
  }
  // What a module costs to load on its own: what loading it only when
  // needed could save at most.
  for (const [name, code] of PACKAGES) {
    candidates.push({
      name: `${name} alone`,
      description: `${name} bundled alone, NODE_OPTIONS=${sourceMaps}`,
      file: await bundleAlone(name.replace(/[@/]/g, '_'), code),
      env: withMaps,
      runs: Math.max(3, Math.ceil(runs / 3)),
    });
  }

  // What removing a dependency from the bundle would save: the same
  // entry bundled with the package replaced by a stub. Such a bundle loads
  // but is no working function; nothing else runs it.
  for (const whatIf of WHAT_IFS) {
    const file = await bundleWithStubs(inbound, whatIf.stubs);
    const maps = whatIf.withoutSourceMaps !== true;
    candidates.push({
      name: `what-if: ${whatIf.name}`,
      description: `what-if: inbound handler bundle ${whatIf.name}, NODE_OPTIONS=${maps ? sourceMaps : '(unset)'}`,
      file,
      env: maps ? withMaps : plainEnv,
      runs: Math.max(3, Math.ceil(runs / 2)),
    });
  }

  const local: NodeBinary = {
    execPath: process.execPath,
    version: process.version,
  };
  const found = findNode24();
  const node24: NodeBinary | undefined = found.found
    ? { execPath: found.path, version: found.version }
    : undefined;
  const nodes = node24 ? [local, node24] : [local];
  const results = new Map<string, LoadRun[]>(
    nodes.flatMap((node) =>
      candidates.map(({ name }) => [key(node, name), []] as const)
    )
  );
  const most = Math.max(...candidates.map((c) => c.runs));
  for (let run = 0; run < most; run++) {
    for (const candidate of candidates) {
      if (run >= candidate.runs) continue;
      for (const node of nodes) {
        results
          .get(key(node, candidate.name))
          ?.push(load(node, loader, candidate));
      }
    }
  }
  return {
    ...figuresOn(local, loader, candidates, results),
    node24: found.found
      ? figuresOn(node24 as NodeBinary, loader, candidates, results)
      : { skipped: found.reason },
  };
};

const key = (node: NodeBinary, candidate: string): string =>
  `${node.version} ${candidate}`;

const figuresOn = (
  node: NodeBinary,
  loader: string,
  candidates: readonly Candidate[],
  results: ReadonlyMap<string, LoadRun[]>
): ColdStartOnNode => {
  const variants = candidates.map((candidate) =>
    summarize(candidate, results.get(key(node, candidate.name)) ?? [])
  );
  const byName = (name: string) =>
    variants.find((v) => v.name === name) as LoadVariant;
  const ratio = (a: string, b: string) =>
    round(byName(a).loadMs / byName(b).loadMs, 3);
  return {
    node: node.version,
    nodeBaseline: byName('node alone'),
    ratio: ratio('handler', 'client-connect'),
    ratioWithoutSourceMaps: ratio(
      'handler, no source maps',
      'client-connect, no source maps'
    ),
    ratioToNodeModules: ratio(
      'handler, no source maps',
      'client-connect from node_modules'
    ),
    variants,
    loadProfile: profileLoad(node, loader, candidates[0] as Candidate),
  };
};

/** The names the bridge imports from each package it could do without. */
const STUBBED_NAMES: Record<string, readonly string[]> = {
  'zod/mini': [
    'catch',
    'config',
    'object',
    'optional',
    'refine',
    'regex',
    'string',
  ],
  'zod/locales': ['en'],
  '@aws-sdk/client-sqs': ['SQSClient', 'SendMessageCommand'],
  '@aws-sdk/client-pinpoint-sms-voice-v2': [
    'PinpointSMSVoiceV2Client',
    'PutOptedOutNumberCommand',
    'SendTextMessageCommand',
  ],
};

const ALL_STUBS = Object.keys(STUBBED_NAMES);
const ZOD = ['zod/mini', 'zod/locales'];

const WHAT_IFS: readonly {
  readonly name: string;
  readonly stubs: readonly string[];
  readonly withoutSourceMaps?: boolean;
}[] = [
  { name: 'without zod', stubs: ZOD },
  { name: 'without @aws-sdk/client-sqs', stubs: ['@aws-sdk/client-sqs'] },
  {
    name: 'without @aws-sdk/client-pinpoint-sms-voice-v2',
    stubs: ['@aws-sdk/client-pinpoint-sms-voice-v2'],
  },
  { name: 'without all three', stubs: ALL_STUBS },
  {
    name: 'without all three and without source maps',
    stubs: ALL_STUBS,
    withoutSourceMaps: true,
  },
];

/**
 * A module that stands in for a package: every name the bridge imports is
 * a function that returns itself, whatever is done with it.
 */
const stubModule = (names: readonly string[]): string => `'use strict';
const stub = new Proxy(function stub() {}, {
  get: (target, key) =>
    key === 'prototype' ? target.prototype : key === 'then' ? undefined : stub,
  apply: () => stub,
  construct: () => stub,
});
${names.map((name) => `exports[${JSON.stringify(name)}] = stub;`).join('\n')}
`;

const bundleWithStubs = async (
  fn: FunctionAsset,
  stubs: readonly string[]
): Promise<string> => {
  const dir = path.join(
    BUILD,
    'what-if',
    stubs.join('+').replace(/[@/]/g, '_')
  );
  mkdirSync(dir, { recursive: true });
  const alias: Record<string, string> = {};
  for (const name of stubs) {
    const file = path.join(dir, `${name.replace(/[@/]/g, '_')}.stub.js`);
    writeFileSync(file, stubModule(STUBBED_NAMES[name] ?? []));
    alias[name] = `./${path.relative(ROOT, file).split(path.sep).join('/')}`;
  }
  await build({
    ...nodejsFunctionOptions(path.join(ROOT, fn.source), dir),
    alias,
  });
  return path.join(dir, 'index.js');
};

/** Packages the inbound handler loads, each bundled alone. */
const PACKAGES: readonly [string, string][] = [
  ['@aws-sdk/client-sqs', "module.exports = require('@aws-sdk/client-sqs');"],
  [
    '@aws-sdk/client-dynamodb',
    "module.exports = require('@aws-sdk/client-dynamodb');",
  ],
  [
    '@aws-lambda-powertools/idempotency',
    "module.exports = [require('@aws-lambda-powertools/idempotency'), require('@aws-lambda-powertools/idempotency/dynamodb')];",
  ],
  [
    '@aws-lambda-powertools/logger',
    "module.exports = require('@aws-lambda-powertools/logger');",
  ],
  [
    '@aws-lambda-powertools/metrics',
    "module.exports = require('@aws-lambda-powertools/metrics');",
  ],
  // What the bridge imports of zod (ES modules, so esbuild trims the rest).
  [
    'zod',
    "export { catch, config, object, optional, refine, regex, string } from 'zod/mini'; export { en } from 'zod/locales';",
  ],
];

/** Bundles a one-line module with the functions' esbuild options. */
const bundleAlone = async (name: string, code: string): Promise<string> => {
  const outdir = path.join(BUILD, 'alone', name);
  const { entryPoints: _entry, ...options } = nodejsFunctionOptions(
    path.join(ROOT, 'package.json'),
    outdir
  );
  await build({
    ...options,
    stdin: { contents: code, resolveDir: ROOT, sourcefile: `${name}.js` },
  });
  return path.join(outdir, 'index.js');
};

const load = (
  node: NodeBinary,
  loader: string,
  candidate: Candidate,
  extraArgs: readonly string[] = []
): LoadRun => {
  const started = performance.now();
  const child = spawnSync(
    node.execPath,
    [...extraArgs, loader, candidate.file],
    {
      env: { PATH: process.env.PATH ?? '', ...candidate.env },
      encoding: 'utf8',
      timeout: 30_000,
    }
  );
  const processMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(
      `loading ${candidate.name} on Node ${node.version} failed (${child.status}): ${child.stderr}`
    );
  }
  return {
    ...(JSON.parse(child.stdout) as Omit<LoadRun, 'processMs'>),
    processMs,
  };
};

const summarize = (candidate: Candidate, runs: LoadRun[]): LoadVariant => ({
  name: candidate.name,
  description: candidate.description,
  file: candidate.file === '' ? '' : fromRoot(candidate.file),
  nodeOptions: candidate.env.NODE_OPTIONS ?? '',
  // Bundles only: an unbundled package's file is a fraction of what loads.
  bytes: existsSync(`${candidate.file}.map`)
    ? statSync(candidate.file).size
    : 0,
  runs: runs.length,
  loadMs: round(median(runs.map((r) => r.loadMs)), 1),
  loadMsMin: round(Math.min(...runs.map((r) => r.loadMs)), 1),
  loadMsMax: round(Math.max(...runs.map((r) => r.loadMs)), 1),
  processMs: round(median(runs.map((r) => r.processMs)), 1),
  maxRssMb: round(median(runs.map((r) => r.maxRssKb)) / 1024, 1),
  heapUsedMb: round(median(runs.map((r) => r.heapUsedKb)) / 1024, 1),
});

/** One more load under --cpu-prof, split by package. */
const profileLoad = (
  node: NodeBinary,
  loader: string,
  candidate: Candidate
): CpuBreakdown => {
  const dir = path.join(PROFILES, `cold-load-node${node.version}`);
  rmSync(dir, { recursive: true, force: true });
  const run = load(node, loader, candidate, [
    '--cpu-prof',
    '--cpu-prof-interval=50',
    `--cpu-prof-dir=${dir}`,
    '--cpu-prof-name=cold-load.cpuprofile',
  ]);
  const profile = JSON.parse(
    readFileSync(path.join(dir, 'cold-load.cpuprofile'), 'utf8')
  );
  const byPackage = (file: string) => {
    if (file.startsWith('node:internal/source_map')) {
      return 'Node: source maps (--enable-source-maps)';
    }
    if (file === 'node:internal/modules/cjs/loader') {
      return 'Node: read and compile the bundle';
    }
    if (file.startsWith('bench/out/build/')) return 'bench loader';
    const category = categoryOf(file);
    return category === 'node' || category === 'native'
      ? category
      : familyOf(file);
  };
  return analyzeCpuProfile(profile, new FrameResolver(byPackage), {
    windows: [{ startUs: run.startUs, endUs: run.endUs }],
    top: 15,
  });
};
