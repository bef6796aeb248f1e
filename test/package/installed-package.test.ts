import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

/**
 * A CDK app that uses the package the way an installer gets it: built,
 * packed, unpacked into the app's node_modules, required by its name.
 * The app synthesizes with the real esbuild bundling.
 */
const APP = `
const { App, Stack } = require('aws-cdk-lib');
const { SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY } = require('aws-cdk-lib/cx-api');
const { SmsConnectBridge, Delivery, OptOutSweep } = require('sms-connect-bridge');

const app = new App({
  outdir: 'cdk.out',
  context: { [SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY]: true },
});
const stack = new Stack(app, 'Existing', {
  env: { account: '111122223333', region: 'us-east-1' },
});
const bridge = new SmsConnectBridge(stack, 'Bridge', {
  connectInstanceArn:
    'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555',
  phoneNumbers: {
    '+12065550100':
      'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef',
  },
  delivery: Delivery.integrationEvent(),
});
new OptOutSweep(stack, 'OptOutSweep', { bridge });
app.synth();
`;

/** The app's node_modules: the package, and the project's own packages beside it. */
const installPackage = (appDir: string, tarball: string): void => {
  const modules = path.join(appDir, 'node_modules');
  const target = path.join(modules, 'sms-connect-bridge');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  for (const entry of readdirSync(NODE_MODULES)) {
    // .bin holds the esbuild NodejsFunction runs, as an install links it.
    if (entry === '.package-lock.json' || entry === 'sms-connect-bridge') {
      continue;
    }
    symlinkSync(path.join(NODE_MODULES, entry), path.join(modules, entry));
  }
};

interface LambdaFunction {
  readonly Type: string;
  readonly Properties: {
    readonly Description?: string;
    readonly Code: { readonly S3Key?: unknown };
  };
}

/**
 * The files a function's bundle was built from, as its source map lists
 * them (relative to the bundle), by the function's description.
 */
const bundleSourcesOf = (assembly: string): Map<string, string[]> => {
  const template = JSON.parse(
    readFileSync(path.join(assembly, 'Existing.template.json'), 'utf8')
  ) as { Resources: Record<string, LambdaFunction> };
  return new Map(
    Object.values(template.Resources)
      .filter(({ Type }) => Type === 'AWS::Lambda::Function')
      .map(({ Properties }) => {
        const hash = String(Properties.Code.S3Key).replace(/\.zip$/, '');
        const map = JSON.parse(
          readFileSync(
            path.join(assembly, `asset.${hash}`, 'index.js.map'),
            'utf8'
          )
        ) as { sources: string[] };
        return [Properties.Description ?? '', map.sources];
      })
  );
};

describe('the package, installed in an existing CDK app', () => {
  let workDir: string;
  let sources: Map<string, string[]>;

  beforeAll(() => {
    // Prepare: build, pack and install it; the app then synthesizes.
    workDir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-package-'));
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT });
    const [packed] = JSON.parse(
      execFileSync(
        'npm',
        ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir],
        { cwd: ROOT, encoding: 'utf8' }
      )
    ) as { filename: string }[];
    const appDir = path.join(workDir, 'app');
    mkdirSync(appDir);
    installPackage(appDir, path.join(workDir, packed?.filename ?? ''));
    writeFileSync(path.join(appDir, 'app.js'), APP);
    // NodejsFunction looks for the app's lock file to find its root.
    writeFileSync(path.join(appDir, 'package-lock.json'), '{}');

    // Act
    execFileSync(process.execPath, ['app.js'], { cwd: appDir });
    sources = bundleSourcesOf(path.join(appDir, 'cdk.out'));
  }, 240_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('bundles the inbound function from the shipped sources', () => {
    // Assess
    expect(
      sources.get('Forwards inbound SMS to Amazon Connect chat')
    ).toContain(
      '../../node_modules/sms-connect-bridge/lambda/inbound-sms/handler.ts'
    );
  });

  it('bundles the function of a part composed with the bridge', () => {
    // Assess
    expect(
      sources.get(
        'Ends the Amazon Connect chats of customers on the opt-out list'
      )
    ).toContain(
      '../../node_modules/sms-connect-bridge/lambda/opt-out-sweep/handler.ts'
    );
  });
});
