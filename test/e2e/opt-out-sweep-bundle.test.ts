import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { LocalStack } from '../../tools/harness/bridge-start';
import { inboundSms, smsRecord, sqsEvent } from '../../tools/harness/events';
import {
  type LocalBridge,
  startLocalBridge,
} from '../../tools/harness/local-bridge';
import {
  type LocalParticipantBridge,
  startLocalParticipantBridge,
} from '../../tools/harness/local-participant-bridge';
import {
  type InboundFunction,
  OPT_OUT_SWEEP_FUNCTION_PATH,
  type ParticipantBundles,
  readInboundFunction,
  readParticipantBundles,
  synthesizeBridge,
} from '../../tools/harness/synth';
import {
  callsTo,
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../tools/local-aws/endpoint';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../tools/local-aws/sms-voice';

const ACCOUNT = '111122223333';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
const SALES_NUMBER = '+12065550100';
const SALES_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;
const SUPPORT_NUMBER = '+12065550101';
const SUPPORT_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-11111111111111111111111111111111`;
const CUSTOMER = '+14255550182';
const OTHER_CUSTOMER = '+14255550143';
const HOUR = 60 * 60 * 1000;

/** `-c` as an operator gives it: two numbers, the default opt-out list. */
const CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE_ID}`,
  phoneNumbers: JSON.stringify({
    [SALES_NUMBER]: SALES_ARN,
    [SUPPORT_NUMBER]: SUPPORT_ARN,
  }),
};

/** The account's own PutOptedOutNumber, as the bridge's STOP reply makes. */
const recordOptOutAsTheAccount = async (
  smsVoiceUrl: string,
  number: string
) => {
  const client = new PinpointSMSVoiceV2Client({
    endpoint: smsVoiceUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: 'Default',
        OptedOutNumber: number,
      })
    );
  } finally {
    client.destroy();
  }
};

const SWEEP_FUNCTION = 'SmsConnectBridge-OptOutSweepFunction';

/** The opt-out sweep's bundle beside a bridge's, against its services. */
const loadSweep = async (
  bridge: LocalStack,
  fn: InboundFunction,
  tables: Record<string, string>,
  endpoints = {}
) => {
  const invoke = await bridge.load(fn, SWEEP_FUNCTION, tables, endpoints);
  return {
    /** One scheduled run, as EventBridge invokes it every minute. */
    run: () =>
      invoke({
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: new Date().toISOString(),
        region: fn.region,
        detail: {},
      }),
    logs: () => bridge.logs.filter((line) => line.fn === SWEEP_FUNCTION),
  };
};
type LocalSweep = Awaited<ReturnType<typeof loadSweep>>;

describe('the synthesized opt-out sweep bundle against local endpoints', () => {
  describe('in integration-event mode', () => {
    let outdir: string;
    let inbound: InboundFunction;
    let sweepFunction: InboundFunction;
    let smsVoice: SmsVoiceResponder;
    let smsVoiceEndpoint: LocalEndpoint;
    let bridge: LocalBridge;
    let sweep: LocalSweep;

    beforeAll(async () => {
      outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-sweep-'));
      const assembly = synthesizeBridge(CONTEXT, outdir);
      inbound = readInboundFunction(assembly);
      sweepFunction = readInboundFunction(
        assembly,
        OPT_OUT_SWEEP_FUNCTION_PATH
      );
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
      bridge = await startLocalBridge({ fn: inbound });
      sweep = await loadSweep(
        bridge,
        sweepFunction,
        { SWEEP_STATE_TABLE_NAME: bridge.tableName },
        { PINPOINT_SMS_VOICE_V2: smsVoiceEndpoint.url }
      );
    });

    afterEach(async () => {
      await bridge.close();
    });

    /** The customer texts the sales number: the inbound bundle opens a chat. */
    const openChat = async (customer: string) => {
      await bridge.invoke(
        sqsEvent(
          smsRecord(
            inboundSms({
              originationNumber: customer,
              destinationNumber: SALES_NUMBER,
              messageBody: 'Where is my order?',
            })
          )
        )
      );
      const [opened] = bridge.connect.exchanges.slice(-1);
      const reply = opened && 'body' in opened.reply ? opened.reply.body : {};
      return (reply as { InitialContactId: string }).InitialContactId;
    };

    /** The DISCONNECT events Connect took, with the contact each ended. */
    const disconnects = () =>
      bridge.connect.exchanges
        .filter(
          ({ request }) =>
            (request.json as { Event?: { Type?: string } }).Event?.Type ===
            'DISCONNECT'
        )
        .map(({ request, reply }) => ({
          event: request.json,
          contactId: ('body' in reply
            ? (reply.body as { InitialContactId?: string })
            : {}
          ).InitialContactId,
        }));

    it("ends the customer's chat with a DISCONNECT for each number", async () => {
      // Prepare
      const contactId = await openChat(CUSTOMER);
      smsVoice.endUserOptOut(CUSTOMER);

      // Act
      await sweep.run();

      // Assess
      expect(disconnects()).toEqual([
        {
          event: {
            SourceId: CUSTOMER,
            DestinationId: SALES_ARN,
            Subtype: 'connect:sms',
            Event: { Type: 'DISCONNECT' },
          },
          contactId,
        },
        {
          event: {
            SourceId: CUSTOMER,
            DestinationId: SUPPORT_ARN,
            Subtype: 'connect:sms',
            Event: { Type: 'DISCONNECT' },
          },
          contactId: undefined,
        },
      ]);
    });

    it('ends nothing on a second run', async () => {
      // Prepare
      await openChat(CUSTOMER);
      smsVoice.endUserOptOut(CUSTOMER);
      await sweep.run();

      // Act
      await sweep.run();

      // Assess
      expect(disconnects()).toHaveLength(2);
    });

    it('ignores an opt-out older than the cursor', async () => {
      // Prepare: a first run sets the cursor
      await sweep.run();
      await openChat(OTHER_CUSTOMER);
      smsVoice.endUserOptOut(OTHER_CUSTOMER, {
        at: new Date(Date.now() - HOUR),
      });

      // Act
      await sweep.run();

      // Assess
      expect(disconnects()).toEqual([]);
    });

    it('ignores an opt-out the bridge recorded itself (EndUserOptedOut false)', async () => {
      // Prepare
      await openChat(CUSTOMER);
      await recordOptOutAsTheAccount(smsVoiceEndpoint.url, CUSTOMER);

      // Act
      await sweep.run();

      // Assess
      expect(disconnects()).toEqual([]);
    });

    it('asks End User Messaging for end-user opt-outs of the one list only', async () => {
      // Act
      await sweep.run();

      // Assess
      expect(
        callsTo(smsVoiceEndpoint.requests, 'DescribeOptedOutNumbers').map(
          ({ body }) => body
        )
      ).toEqual([
        {
          OptOutListName: 'Default',
          Filters: [{ Name: 'end-user-opted-out', Values: ['true'] }],
          MaxResults: 100,
        },
      ]);
    });

    it('logs the customer by the last four digits only', async () => {
      // Prepare
      await openChat(CUSTOMER);
      smsVoice.endUserOptOut(CUSTOMER);

      // Act
      await sweep.run();

      // Assess
      const lines = sweep
        .logs()
        .map(({ line }) => line)
        .join('\n');
      expect(lines).toContain('"customer":"********0182"');
      expect(lines).not.toMatch(/\+\d{8,}/);
    });
  });

  describe('in participant mode', () => {
    let outdir: string;
    let bundles: ParticipantBundles;
    let sweepFunction: InboundFunction;
    let bridge: LocalParticipantBridge;
    let sweep: LocalSweep;

    beforeAll(() => {
      outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-sweep-'));
      const assembly = synthesizeBridge(
        {
          ...CONTEXT,
          deliveryMode: 'participant',
          contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        },
        outdir
      );
      bundles = readParticipantBundles(assembly);
      sweepFunction = readInboundFunction(
        assembly,
        OPT_OUT_SWEEP_FUNCTION_PATH
      );
    }, 120_000);

    afterAll(() => {
      rmSync(outdir, { recursive: true, force: true });
    });

    beforeEach(async () => {
      bridge = await startLocalParticipantBridge({ bundles });
      sweep = await loadSweep(bridge, sweepFunction, {
        SWEEP_STATE_TABLE_NAME: bridge.idempotencyTableName,
        SESSION_TABLE_NAME: bridge.sessionTableName,
      });
    });

    afterEach(async () => {
      await bridge.close();
    });

    /** The customer texts the sales number: the inbound bundle opens a chat. */
    const openChat = async (customer: string) => {
      await bridge.text({
        from: customer,
        to: SALES_NUMBER,
        body: 'Where is my order?',
      });
      const chat = bridge.chats.list().at(-1);
      if (chat === undefined) throw new Error('the text opened no chat');
      return chat;
    };

    const disconnectCalls = () =>
      callsTo(bridge.participant.requests, '/participant/disconnect');

    it("ends the customer's chat as the customer, and forgets its session", async () => {
      // Prepare
      const chat = await openChat(CUSTOMER);
      bridge.smsVoice.state.endUserOptOut(CUSTOMER);

      // Act
      await sweep.run();

      // Assess
      expect({
        disconnected: chat.customerDisconnected,
        tokenKept: (await bridge.sessionItems()).some(
          (item) => 'connectionToken' in item
        ),
      }).toEqual({ disconnected: true, tokenKept: false });
    });

    it('ends nothing on a second run', async () => {
      // Prepare
      await openChat(CUSTOMER);
      bridge.smsVoice.state.endUserOptOut(CUSTOMER);
      await sweep.run();

      // Act
      await sweep.run();

      // Assess
      expect(disconnectCalls()).toHaveLength(1);
    });

    it('ignores an opt-out older than the cursor', async () => {
      // Prepare: a first run sets the cursor
      await sweep.run();
      const chat = await openChat(OTHER_CUSTOMER);
      bridge.smsVoice.state.endUserOptOut(OTHER_CUSTOMER, {
        at: new Date(Date.now() - HOUR),
      });

      // Act
      await sweep.run();

      // Assess
      expect({
        ended: chat.ended,
        disconnects: disconnectCalls().length,
      }).toEqual({ ended: false, disconnects: 0 });
    });

    it('ignores an opt-out the bridge recorded itself (EndUserOptedOut false)', async () => {
      // Prepare
      const chat = await openChat(CUSTOMER);
      await recordOptOutAsTheAccount(bridge.smsVoice.url, CUSTOMER);

      // Act
      await sweep.run();

      // Assess
      expect(chat.ended).toBe(false);
    });
  });
});
