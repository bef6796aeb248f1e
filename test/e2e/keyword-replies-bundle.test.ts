import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_HELP_TEXT,
  DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
} from '../../lib/keyword-replies';
import { inboundSms, smsRecord, sqsEvent } from '../../tools/harness/events';
import {
  type LocalBridge,
  startLocalBridge,
} from '../../tools/harness/local-bridge';
import {
  type InboundFunction,
  readInboundFunction,
  synthesizeBridge,
} from '../../tools/harness/synth';
import {
  awsError,
  callsTo,
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../tools/local-aws/endpoint';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../tools/local-aws/sms-voice';

const ACCOUNT = '111122223333';
const BRIDGE_NUMBER = '+12065550100';
const PHONE_NUMBER_ID = 'phone-0123456789abcdef0123456789abcdef';
const BRIDGE_NUMBER_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/${PHONE_NUMBER_ID}`;
const CUSTOMER = '+14255550182';

/** `-c` as an operator gives it: the defaults of every keyword setting. */
const CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  configureTwoWay: 'true',
  selfManagedOptOuts: 'true',
};

const textFrom = (messageBody: string) =>
  inboundSms({
    originationNumber: CUSTOMER,
    destinationNumber: BRIDGE_NUMBER,
    messageBody,
  });

/**
 * The synthesized inbound bundle, with self-managed opt-outs on, against
 * local Connect, SQS, DynamoDB and End User Messaging.
 */
describe('keyword replies of the synthesized integration-event bundle', () => {
  let outdir: string;
  let fn: InboundFunction;
  let smsVoice: SmsVoiceResponder;
  let smsVoiceEndpoint: LocalEndpoint;
  let bridge: LocalBridge;

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-opt-outs-'));
    fn = readInboundFunction(synthesizeBridge(CONTEXT, outdir));
    smsVoiceEndpoint = await startLocalEndpoint((request) =>
      smsVoice.respond(request)
    );
  }, 120_000);

  afterAll(async () => {
    await smsVoiceEndpoint.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  const startBridge = async (
    environment: Readonly<Record<string, string>> = {}
  ) => {
    bridge = await startLocalBridge({
      fn,
      environment: {
        AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: smsVoiceEndpoint.url,
        ...environment,
      },
    });
  };

  beforeEach(() => {
    smsVoice = smsVoiceResponder();
    smsVoice.addPhoneNumber(BRIDGE_NUMBER, {
      PhoneNumberId: PHONE_NUMBER_ID,
      TwoWayEnabled: true,
      SelfManagedOptOutsEnabled: true,
    });
    smsVoiceEndpoint.requests.length = 0;
  });

  afterEach(async () => {
    await bridge.close();
  });

  const smsCalls = (
    operation: 'SendTextMessage' | 'PutOptedOutNumber'
  ): Record<string, unknown>[] =>
    callsTo(smsVoiceEndpoint.requests, operation).map(({ body }) => body);
  const smsOperations = () =>
    smsVoiceEndpoint.requests.map(({ headers }) => headers['x-amz-target']);
  const chatEvents = () =>
    bridge.connect.requests.map(
      ({ json }) => (json as { Event?: { Type?: string } }).Event?.Type
    );

  describe('with the default keyword match', () => {
    beforeEach(async () => {
      await startBridge();
    });

    it.each([
      'Cancel my appointment',
      'End of month bill?',
      'Help, my parcel is lost',
      'Stop by the shop at 5?',
    ])('forwards %j to the chat and texts nothing', async (body) => {
      // Act
      const response = await bridge.invoke(sqsEvent(smsRecord(textFrom(body))));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chatEvents()).toEqual(['MESSAGE']);
      expect(smsVoiceEndpoint.requests).toEqual([]);
    });

    it.each(['stop', ' Stop. ', 'UNSUBSCRIBE!', '"quit"', 'end 🛑'])(
      'opts out on %j, a keyword alone',
      async (body) => {
        // Act
        await bridge.invoke(sqsEvent(smsRecord(textFrom(body))));

        // Assess
        expect(chatEvents()).toEqual(['DISCONNECT']);
        expect(smsVoice.optedOutNumbers()).toEqual([
          { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
        ]);
      }
    );

    it('answers "Help?" with the help text', async () => {
      // Act
      await bridge.invoke(sqsEvent(smsRecord(textFrom('Help?'))));

      // Assess
      expect(bridge.connect.requests).toEqual([]);
      expect(smsCalls('SendTextMessage')).toEqual([
        expect.objectContaining({ MessageBody: DEFAULT_HELP_TEXT }),
      ]);
    });
  });

  describe("with End User Messaging's begins-with match", () => {
    beforeEach(async () => {
      await startBridge({ KEYWORD_MATCH: 'begins-with' });
    });

    it('opts out on "Cancel my appointment"', async () => {
      // Act
      await bridge.invoke(
        sqsEvent(smsRecord(textFrom('Cancel my appointment')))
      );

      // Assess
      expect(chatEvents()).toEqual(['DISCONNECT']);
      expect(smsVoice.optedOutNumbers()).toEqual([
        { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
      ]);
    });

    it('answers "Help, my parcel is lost" with the help text', async () => {
      // Act
      await bridge.invoke(
        sqsEvent(smsRecord(textFrom('Help, my parcel is lost')))
      );

      // Assess
      expect(bridge.connect.requests).toEqual([]);
      expect(smsCalls('SendTextMessage')).toEqual([
        expect.objectContaining({ MessageBody: DEFAULT_HELP_TEXT }),
      ]);
    });
  });

  describe('an opt-out keyword', () => {
    beforeEach(async () => {
      await startBridge();
    });

    it('ends the chat and texts the confirmation before adding the number to the list', async () => {
      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('STOP')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chatEvents()).toEqual(['DISCONNECT']);
      expect(smsOperations()).toEqual([
        'PinpointSMSVoiceV2.SendTextMessage',
        'PinpointSMSVoiceV2.PutOptedOutNumber',
      ]);
    });

    it('texts the default confirmation from the number the customer texted', async () => {
      // Act
      await bridge.invoke(sqsEvent(smsRecord(textFrom('Stop!'))));

      // Assess
      expect(smsCalls('SendTextMessage')).toEqual([
        {
          DestinationPhoneNumber: CUSTOMER,
          OriginationIdentity: BRIDGE_NUMBER_ARN,
          MessageBody: DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
          MessageType: 'TRANSACTIONAL',
        },
      ]);
    });

    it("adds the customer to End User Messaging's Default list", async () => {
      // Act
      await bridge.invoke(sqsEvent(smsRecord(textFrom('unsubscribe'))));

      // Assess
      expect(smsCalls('PutOptedOutNumber')).toEqual([
        { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
      ]);
      expect(smsVoice.optedOutNumbers()).toEqual([
        { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
      ]);
    });

    it('opts out on the retry after a failed list update, with one confirmation', async () => {
      // Prepare: the list update fails through all of the SDK's attempts
      const record = smsRecord(textFrom('STOP'));
      smsVoice.failNext(
        'PutOptedOutNumber',
        awsError(500, 'InternalServerException', 'internal error'),
        3
      );
      const first = await bridge.invoke(sqsEvent(record));

      // Act: the queue delivers the record again
      const second = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(first).toEqual({
        batchItemFailures: [{ itemIdentifier: record.messageId }],
      });
      expect(second).toEqual({ batchItemFailures: [] });
      expect(smsVoice.sentTextMessages).toHaveLength(1);
      expect(smsVoice.optedOutNumbers()).toEqual([
        { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
      ]);
      expect(chatEvents()).toEqual(['DISCONNECT', 'DISCONNECT']);
    });

    it('does nothing again for a STOP the queue delivers twice', async () => {
      // Prepare
      const record = smsRecord(textFrom('STOP'));
      await bridge.invoke(sqsEvent(record));
      const handled = smsVoiceEndpoint.requests.length;

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(smsVoiceEndpoint.requests).toHaveLength(handled);
      expect(chatEvents()).toEqual(['DISCONNECT']);
    });

    it('sends no second confirmation to a customer already on the list', async () => {
      // Prepare
      await bridge.invoke(sqsEvent(smsRecord(textFrom('STOP'))));

      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('STOP')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(smsVoice.sentTextMessages).toHaveLength(1);
      expect(smsCalls('PutOptedOutNumber')).toHaveLength(2);
      expect(chatEvents()).toEqual(['DISCONNECT', 'DISCONNECT']);
    });

    it('records the opt-out even when Connect refuses the chat event', async () => {
      // Prepare: AWS restricts SendChatIntegrationEvent to End User Messaging
      bridge.connect.always(awsError(403, 'AccessDeniedException'));

      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('STOP')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(smsVoice.optedOutNumbers()).toEqual([
        { OptOutListName: 'Default', OptedOutNumber: CUSTOMER },
      ]);
      expect(bridge.deadLetters()).toHaveLength(1);
    });

    it('ends the chat, then dead-letters the STOP, when the opt-out list is missing', async () => {
      // Prepare
      smsVoice.failNext(
        'PutOptedOutNumber',
        awsError(400, 'ResourceNotFoundException', 'not found', {
          ResourceType: 'opt-out-list',
          ResourceId: 'Default',
        })
      );

      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('STOP')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chatEvents()).toEqual(['DISCONNECT']);
      const [deadLetter] = bridge.deadLetters();
      expect(deadLetter?.MessageAttributes.failureDetail?.StringValue).toBe(
        'End User Messaging PutOptedOutNumber: ResourceNotFoundException (HTTP 400)'
      );
      expect(deadLetter?.MessageAttributes.failureReason?.StringValue).toBe(
        'sms-rejected'
      );
    });

    it('logs the opt-out with its message id and list, not the number', async () => {
      // Prepare
      const sms = textFrom('STOP');

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      const lines = bridge.logs
        .filter(({ line }) => line.startsWith('{'))
        .map(({ line }) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({
          message: 'Opt-out recorded on the opt-out list',
          inboundMessageId: sms.inboundMessageId,
          optOutListName: 'Default',
        })
      );
      expect(bridge.logs.filter(({ line }) => line.includes(CUSTOMER))).toEqual(
        []
      );
    });
  });

  describe('a HELP keyword', () => {
    beforeEach(async () => {
      await startBridge();
    });

    it('texts the default help text and sends nothing to Connect', async () => {
      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('HELP')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toEqual([]);
      expect(smsCalls('SendTextMessage')).toEqual([
        {
          DestinationPhoneNumber: CUSTOMER,
          OriginationIdentity: BRIDGE_NUMBER_ARN,
          MessageBody: DEFAULT_HELP_TEXT,
          MessageType: 'TRANSACTIONAL',
        },
      ]);
    });

    it('logs and counts HELP as answered, not as forwarded', async () => {
      // Act
      await bridge.invoke(sqsEvent(smsRecord(textFrom('HELP'))));

      // Assess
      const lines = bridge.logs
        .filter(({ line }) => line.startsWith('{'))
        .map(({ line }) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({
          message: 'Keyword answered by the bridge, not forwarded',
          outcome: 'answered',
        })
      );
      expect(lines.some((line) => 'HelpRepliesSent' in line)).toBe(true);
      expect(lines.some((line) => 'MessagesForwarded' in line)).toBe(false);
    });

    it('is acknowledged without an answer once the customer has opted out', async () => {
      // Prepare
      await bridge.invoke(sqsEvent(smsRecord(textFrom('STOP'))));

      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(textFrom('help')))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(smsVoice.sentTextMessages).toHaveLength(1);
      expect(bridge.deadLetters()).toEqual([]);
    });
  });

  it('forwards any other text to Connect and texts nothing', async () => {
    // Prepare
    await startBridge();

    // Act
    await bridge.invoke(
      sqsEvent(smsRecord(textFrom('Please help with parcel 4711')))
    );

    // Assess
    expect(chatEvents()).toEqual(['MESSAGE']);
    expect(smsVoiceEndpoint.requests).toEqual([]);
  });
});
