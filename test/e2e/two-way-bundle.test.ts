import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type LocalStack,
  openLocalStack,
} from '../../tools/harness/bridge-start';
import {
  type InboundFunction,
  readInboundFunction,
  readStack,
  synthesizeBridge,
  TWO_WAY_FUNCTION_PATH,
} from '../../tools/harness/synth';
import {
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../tools/local-aws/endpoint';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../tools/local-aws/sms-voice';
import { createEvent } from '../support/custom-resource-event';

const ACCOUNT = '111122223333';
const BRIDGE_NUMBER = '+12065550100';
const PHONE_NUMBER_ID = 'phone-0123456789abcdef0123456789abcdef';
const POOL_ID = 'pool-00112233445566778899aabbccddeeff';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:SmsConnectBridge-InboundTopic`;

/** `-c` as an operator gives it: self-managed opt-outs on a number and a pool. */
const CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify({
    [BRIDGE_NUMBER]: `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/${PHONE_NUMBER_ID}`,
  }),
  configureTwoWay: 'true',
  selfManagedOptOuts: 'true',
  optOutListName: 'Support-OptOuts',
  pools: JSON.stringify([
    `arn:aws:sms-voice:us-east-1:${ACCOUNT}:pool/${POOL_ID}`,
  ]),
};

/** What CloudFormation resolves the template's references to. */
const REFERENCES: Record<string, string> = { TwoWayChannelArn: TOPIC_ARN };

/**
 * CloudFormation's create of the template's resource of `type`: it hands
 * the properties over resolved, every scalar as a string.
 */
const customResourceCreate = (assembly: string, type: string) => {
  const { ServiceToken: _, ...properties } =
    Object.values(readStack(assembly).template.Resources).find(
      (resource) => resource.Type === type
    )?.Properties ?? {};
  const resolve = (name: string, value: unknown): string | string[] => {
    if (Array.isArray(value)) return value.map((v) => `${resolve(name, v)}`);
    if (typeof value !== 'object' || value === null) return String(value);
    if (REFERENCES[name] === undefined) throw new Error(`resolve ${name}`);
    return REFERENCES[name];
  };
  return createEvent(
    Object.fromEntries(
      Object.entries(properties).map(([name, v]) => [name, resolve(name, v)])
    )
  );
};

/**
 * The synthesized two-way custom resource bundle, run on the create of the
 * template's own resources, against a local End User Messaging.
 */
describe('the synthesized two-way bundle with self-managed opt-outs', () => {
  let outdir: string;
  let fn: InboundFunction;
  let numberCreate: CloudFormationCustomResourceEvent;
  let poolCreate: CloudFormationCustomResourceEvent;
  let smsVoice: SmsVoiceResponder;
  let smsVoiceEndpoint: LocalEndpoint;
  let twoWay: LocalStack;
  let onEvent: (event: CloudFormationCustomResourceEvent) => Promise<unknown>;

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-two-way-'));
    const assembly = synthesizeBridge(CONTEXT, outdir);
    fn = readInboundFunction(assembly, TWO_WAY_FUNCTION_PATH);
    numberCreate = customResourceCreate(assembly, 'Custom::TwoWayPhoneNumber');
    poolCreate = customResourceCreate(assembly, 'Custom::TwoWayPool');
    smsVoiceEndpoint = await startLocalEndpoint((request) =>
      smsVoice.respond(request)
    );
  }, 120_000);

  afterAll(async () => {
    await smsVoiceEndpoint.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    smsVoice = smsVoiceResponder();
    smsVoiceEndpoint.requests.length = 0;
    twoWay = await openLocalStack({}, async (stack) => stack);
    onEvent = await twoWay.load(
      fn,
      'SmsConnectBridge-TwoWayFunction',
      {},
      {
        PINPOINT_SMS_VOICE_V2: smsVoiceEndpoint.url,
      }
    );
  });

  afterEach(async () => {
    await twoWay.close();
  });

  const addBridgeNumber = (
    state: Parameters<SmsVoiceResponder['addPhoneNumber']>[1] = {}
  ) =>
    smsVoice.addPhoneNumber(BRIDGE_NUMBER, {
      PhoneNumberId: PHONE_NUMBER_ID,
      OptOutListName: 'Support-OptOuts',
      ...state,
    });

  it('turns on self-managed opt-outs for a number on the list the stack names', async () => {
    // Prepare
    addBridgeNumber();

    // Act
    await onEvent(numberCreate);

    // Assess
    expect(smsVoice.phoneNumber(PHONE_NUMBER_ID)).toMatchObject({
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC_ARN,
      SelfManagedOptOutsEnabled: true,
    });
  });

  it("fails the deployment naming the masked number and both lists when the number's list differs", async () => {
    // Prepare
    addBridgeNumber({ OptOutListName: 'Default' });

    // Act
    const created = onEvent(numberCreate);

    // Assess
    await expect(created).rejects.toThrow(
      `Phone number ${PHONE_NUMBER_ID} (********0100) uses the opt-out list "Default", but the stack's optOutListName is "Support-OptOuts"`
    );
  });

  it('leaves the number as it was when its list differs', async () => {
    // Prepare
    addBridgeNumber({ OptOutListName: 'Default' });

    // Act
    await onEvent(numberCreate).catch(() => undefined);

    // Assess
    expect(smsVoice.phoneNumber(PHONE_NUMBER_ID)).toMatchObject({
      TwoWayEnabled: false,
      SelfManagedOptOutsEnabled: false,
    });
  });

  it("fails the deployment naming the pool and both lists when the pool's list differs", async () => {
    // Prepare
    smsVoice.addPool({ PoolId: POOL_ID, OptOutListName: 'Default' });

    // Act
    const created = onEvent(poolCreate);

    // Assess
    await expect(created).rejects.toThrow(
      `Pool ${POOL_ID} uses the opt-out list "Default", but the stack's optOutListName is "Support-OptOuts"`
    );
  });

  it('fails the deployment on a US toll-free number', async () => {
    // Prepare
    addBridgeNumber({ NumberType: 'TOLL_FREE' });

    // Act
    const created = onEvent(numberCreate);

    // Assess
    await expect(created).rejects.toThrow(
      `Phone number ${PHONE_NUMBER_ID} (********0100) is a US toll-free number, which is not eligible for self-managed opt-outs`
    );
  });

  it('logs the failure without the full phone number', async () => {
    // Prepare
    addBridgeNumber({ NumberType: 'TOLL_FREE', OptOutListName: 'Default' });

    // Act
    await onEvent(numberCreate).catch(() => undefined);

    // Assess
    expect(twoWay.logs.map(({ line }) => line).join('\n')).toContain(
      'Two-way settings failed'
    );
    expect(
      twoWay.logs.filter(({ line }) => line.includes('2065550100'))
    ).toEqual([]);
  });
});
