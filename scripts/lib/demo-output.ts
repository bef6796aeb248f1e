/** What both demo runs share: printing, checks and the offline `cdk synth`. */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

// Fictitious: 555-01xx numbers and the documentation account.
const CONNECT_INSTANCE_ARN =
  'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
export const CONTACT_CENTRE = '+12065550100';
export const CONTACT_CENTRE_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';
export const ALICE = '+12065550123';
export const BRUNO = '+14255550187';

/** What a run changes in the context both runs give `cdk synth -c`. */
export interface DemoRun {
  /** @default - the app's default mode */
  readonly deliveryMode?: string;
  /** The contact centre number's own contact flow. @default - none */
  readonly contactFlowId?: string;
}

/** The context of a run: the contact centre's number and attributes. */
export const demoContext = (run: DemoRun = {}): Record<string, string> => ({
  connectInstanceArn: CONNECT_INSTANCE_ARN,
  ...(run.deliveryMode === undefined ? {} : { deliveryMode: run.deliveryMode }),
  phoneNumbers: JSON.stringify({
    [CONTACT_CENTRE]:
      run.contactFlowId === undefined
        ? CONTACT_CENTRE_ARN
        : { arn: CONTACT_CENTRE_ARN, contactFlowId: run.contactFlowId },
  }),
  contactAttributes: JSON.stringify({ channel: 'sms', source: 'demo' }),
});

const style = (code: string) => (text: string) =>
  process.stdout.isTTY ? `\u001b[${code}m${text}\u001b[0m` : text;
export const bold = style('1');
export const dim = style('2');

export const print = (text = '') => {
  process.stdout.write(`${text}\n`);
};

export const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

/** What differed from what the bridge should do; the demo exits 1 if any. */
export const problems: string[] = [];
export const verify = (condition: boolean, what: string) => {
  if (!condition) problems.push(what);
};

/** Runs the real CDK CLI, offline, into a folder of its own. */
export const cdkSynth = (
  context: Readonly<Record<string, string>>,
  outdir: string
): void => {
  const args = [
    'cdk',
    'synth',
    '--no-notices',
    '-q',
    '-o',
    outdir,
    ...Object.entries(context).flatMap(([key, value]) => [
      '-c',
      `${key}=${value}`,
    ]),
  ];
  print(bold('1. Synthesize the stack and bundle the Lambda functions'));
  print(
    dim(`   npx ${args.map((a) => (/[{"]/.test(a) ? `'${a}'` : a)).join(' ')}`)
  );
  const started = Date.now();
  const result = spawnSync('npx', args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: offlineEnvironment(),
  });
  if (result.status !== 0) {
    print(result.stdout);
    print(result.stderr);
    throw new Error(`cdk synth failed (exit ${result.status})`);
  }
  print(dim(`   done in ${((Date.now() - started) / 1000).toFixed(1)} s`));
};

/** No credentials, profile or instance metadata: the CLI stays offline. */
const offlineEnvironment = (): NodeJS.ProcessEnv => {
  const nowhere = path.join(tmpdir(), 'sms-connect-bridge-no-aws-config');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
  };
  for (const name of [
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ]) {
    delete env[name];
  }
  return env;
};

/** The fields of the bundles' log lines worth a look in the demo. */
const LOG_FIELDS = [
  'inboundMessageId',
  'customer',
  'bridgeNumber',
  'contactId',
  'previousContactId',
  'messageId',
  'outcome',
  'eventType',
  'newChatCreated',
  'initialContactId',
  'parts',
  'reason',
  'detail',
];

/** One line for each of a bundle's JSON log lines. */
export const summarizeLog = (line: string): string => {
  let log: Record<string, unknown>;
  try {
    log = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof log._aws === 'object') {
    const metrics = Object.entries(log).filter(
      ([key, value]) => typeof value === 'number' && key !== '_aws'
    );
    return `metrics  ${metrics.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  }
  const fields = LOG_FIELDS.filter((key) => log[key] !== undefined).map(
    (key) => `${key}=${JSON.stringify(log[key])}`
  );
  const message = String(log.message);
  const short = message.length > 90 ? `${message.slice(0, 87)}...` : message;
  return `${log.level} ${short}  ${fields.join(' ')}`;
};

/** Lines of the bundle's logs that hold any of these values. */
export const linesHolding = (
  lines: readonly string[],
  values: readonly string[]
): string[] =>
  lines.filter((line) =>
    values.some(
      (value) =>
        line.includes(value) ||
        line.includes(JSON.stringify(value).slice(1, -1))
    )
  );

/** Prints the outcome and exits: 0 when every check held. */
export const finish = (run: Promise<void>): void => {
  run
    .then(() => {
      print();
      if (problems.length === 0) {
        print(bold('Demo finished: every step did what the bridge should do.'));
        process.exit(0);
      }
      for (const problem of problems) print(`UNEXPECTED: ${problem}`);
      process.exit(1);
    })
    .catch((error: unknown) => {
      print(`Demo failed: ${error instanceof Error ? error.stack : error}`);
      process.exit(1);
    });
};
