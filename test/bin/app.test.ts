import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLING_STACKS, CONTEXT_ENV, OUTDIR_ENV } from 'aws-cdk-lib/cx-api';

const ROOT = path.join(__dirname, '..', '..');
const INSTANCE_ARN =
  'arn:aws:connect:eu-west-2:111122223333:instance/11111111-2222-3333-4444-555555555555';
const PHONE_NUMBERS = JSON.stringify({
  '+447700900123':
    'arn:aws:sms-voice:eu-west-2:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef',
});

/**
 * Runs bin/app.ts as the CDK CLI does: context in CDK_CONTEXT_JSON (with
 * cdk.json's flags), output to CDK_OUTDIR. Bundling is skipped, and no
 * account is known, as in an offline synth.
 */
const runApp = (context: Record<string, unknown>, outdir: string) => {
  const cdkJson = JSON.parse(
    readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')
  ) as { context: Record<string, unknown> };
  const env = { ...process.env };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  return spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join('bin', 'app.ts')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...env,
        [OUTDIR_ENV]: outdir,
        [CONTEXT_ENV]: JSON.stringify({
          ...cdkJson.context,
          [BUNDLING_STACKS]: [],
          ...context,
        }),
      },
    }
  );
};

describe('bin/app.ts', () => {
  let outdir: string;

  beforeEach(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-app-'));
  });

  afterEach(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it("synthesizes the stack in the Connect instance's region", () => {
    // Prepare
    const context = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: PHONE_NUMBERS,
    };

    // Act
    const run = runApp(context, outdir);

    // Assess
    // The app's error output is shown only when it failed.
    expect({
      status: run.status,
      stderr: run.status === 0 ? '' : run.stderr,
    }).toEqual({ status: 0, stderr: '' });
    const manifest = JSON.parse(
      readFileSync(path.join(outdir, 'manifest.json'), 'utf8')
    ) as { artifacts: Record<string, { environment?: string }> };
    expect(manifest.artifacts.SmsConnectBridge?.environment).toBe(
      'aws://unknown-account/eu-west-2'
    );
  });

  it('prints that SendChatIntegrationEvent is restricted, and the way out', () => {
    // Prepare
    const context = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: PHONE_NUMBERS,
    };

    // Act
    const run = runApp(context, outdir);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      'connect:SendChatIntegrationEvent is documented as restricted to AWS End User Messaging'
    );
    expect(run.stderr).toContain('deploy with -c deliveryMode=participant');
  });

  it('passes the cdk-nag packs with every option on', () => {
    // Prepare: participant mode, two-way wiring, self-managed opt-outs
    const context = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: PHONE_NUMBERS,
      deliveryMode: 'participant',
      contactFlowId: '22222222-3333-4444-5555-666666666666',
      configureTwoWay: 'true',
      selfManagedOptOuts: 'true',
      alarmEmail: 'oncall@example.com',
    };

    // Act
    const run = runApp(context, outdir);

    // Assess: an unacknowledged cdk-nag error fails the app
    expect({
      status: run.status,
      stderr: run.status === 0 ? '' : run.stderr,
    }).toEqual({ status: 0, stderr: '' });
  });

  it('fails naming the key and showing the value when -c phoneNumbers is not JSON', () => {
    // Prepare
    const context = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: '+447700900123',
    };

    // Act
    const run = runApp(context, outdir);

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'phoneNumbers must be valid JSON, got "+447700900123"'
    );
  });
});
