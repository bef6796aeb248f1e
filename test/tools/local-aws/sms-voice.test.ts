import {
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
  SendTextMessageCommand,
  UpdatePhoneNumberCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  awsError,
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../../tools/local-aws/endpoint';
import {
  type SmsVoiceResponder,
  smsVoiceResponder,
} from '../../../tools/local-aws/sms-voice';

let endpoint: LocalEndpoint;
let smsVoice: SmsVoiceResponder;
let client: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  endpoint = await startLocalEndpoint((request) => smsVoice.respond(request));
  client = new PinpointSMSVoiceV2Client({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
beforeEach(() => {
  smsVoice = smsVoiceResponder();
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as { name: string; Reason?: string }
  );

describe('local End User Messaging', () => {
  it('records a text message and answers its id', async () => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+12065550100');

    // Act
    const { MessageId } = await client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: '+14255550182',
        OriginationIdentity: number.PhoneNumberArn,
        MessageBody: 'You are unsubscribed.',
      })
    );

    // Assess
    expect(smsVoice.sentTextMessages).toMatchObject([
      {
        MessageId,
        DestinationPhoneNumber: '+14255550182',
        OriginationIdentity: number.PhoneNumberArn,
        MessageBody: 'You are unsubscribed.',
      },
    ]);
  });

  it('adds a number to an opt-out list', async () => {
    // Prepare, Act
    const response = await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: 'Default',
        OptedOutNumber: '+14255550182',
      })
    );

    // Assess
    expect({
      answered: response.OptedOutNumber,
      recorded: smsVoice.optedOutNumbers(),
    }).toEqual({
      answered: '+14255550182',
      recorded: [{ OptOutListName: 'Default', OptedOutNumber: '+14255550182' }],
    });
  });

  it('refuses to text a number on the opt-out list', async () => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+12065550100');
    await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: 'Default',
        OptedOutNumber: '+14255550182',
      })
    );

    // Act
    const error = await errorOf(
      client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: '+14255550182',
          OriginationIdentity: number.PhoneNumberId,
          MessageBody: 'Hello',
        })
      )
    );

    // Assess
    expect({ name: error.name, reason: error.Reason }).toEqual({
      name: 'ConflictException',
      reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
    });
  });

  it('answers ResourceNotFoundException for an unknown opt-out list', async () => {
    // Prepare, Act
    const error = await errorOf(
      client.send(
        new PutOptedOutNumberCommand({
          OptOutListName: 'Missing',
          OptedOutNumber: '+14255550182',
        })
      )
    );

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('describes a number with its opt-out list, type and country as the SDK reads them', async () => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+18885550100', {
      OptOutListName: 'Support-OptOuts',
      NumberType: 'TOLL_FREE',
    });

    // Act
    const { PhoneNumbers } = await client.send(
      new DescribePhoneNumbersCommand({
        PhoneNumberIds: [number.PhoneNumberArn],
      })
    );

    // Assess
    expect(PhoneNumbers).toEqual([
      expect.objectContaining({
        PhoneNumberId: number.PhoneNumberId,
        OptOutListName: 'Support-OptOuts',
        NumberType: 'TOLL_FREE',
        IsoCountryCode: 'US',
      }),
    ]);
  });

  it('describes a new number as a US 10DLC number on the Default list', async () => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+12065550100');

    // Act
    const { PhoneNumbers } = await client.send(
      new DescribePhoneNumbersCommand({
        PhoneNumberIds: [number.PhoneNumberId],
      })
    );

    // Assess
    expect(PhoneNumbers?.[0]).toMatchObject({
      OptOutListName: 'Default',
      NumberType: 'TEN_DLC',
      IsoCountryCode: 'US',
    });
  });

  it('describes a pool with its opt-out list', async () => {
    // Prepare
    const pool = smsVoice.addPool({ OptOutListName: 'Support-OptOuts' });

    // Act
    const { Pools } = await client.send(
      new DescribePoolsCommand({ PoolIds: [pool.PoolArn] })
    );

    // Assess
    expect(Pools?.[0]).toMatchObject({
      PoolId: pool.PoolId,
      OptOutListName: 'Support-OptOuts',
    });
  });

  it('refuses UpdatePhoneNumber on a number in a pool', async () => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+12065550100');
    smsVoice.addPool({}, [number]);

    // Act
    const error = await errorOf(
      client.send(
        new UpdatePhoneNumberCommand({
          PhoneNumberId: number.PhoneNumberId,
          TwoWayEnabled: false,
        })
      )
    );

    // Assess
    expect({ name: error.name, reason: error.Reason }).toEqual({
      name: 'ConflictException',
      reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL',
    });
  });

  it.each([
    [
      'two-way without a channel',
      { TwoWayEnabled: true },
      'TWO_WAY_CHANNEL_NOT_PRESENT',
    ],
    [
      'self-managed opt-outs without two-way',
      { SelfManagedOptOutsEnabled: true },
      'TWO_WAY_NOT_ENABLED',
    ],
    [
      'a channel ARN under 20 characters',
      { TwoWayChannelArn: 'arn:aws:sns:short' },
      'FIELD_VALIDATION_FAILED',
    ],
  ])('refuses UpdatePhoneNumber with %s', async (_, update, reason) => {
    // Prepare
    const number = smsVoice.addPhoneNumber('+12065550100');

    // Act
    const error = await errorOf(
      client.send(
        new UpdatePhoneNumberCommand({
          PhoneNumberId: number.PhoneNumberId,
          ...update,
        })
      )
    );

    // Assess
    expect({ name: error.name, reason: error.Reason }).toEqual({
      name: 'ValidationException',
      reason,
    });
  });

  it('fails only the next call when told to', async () => {
    // Prepare
    smsVoice.failNext(
      'SendTextMessage',
      awsError(429, 'ThrottlingException', 'slow down')
    );
    const send = () =>
      client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: '+14255550182',
          MessageBody: 'Hello',
        })
      );

    // Act
    const first = await errorOf(send());
    await send();

    // Assess
    expect({
      first: first.name,
      sent: smsVoice.sentTextMessages.length,
    }).toEqual({ first: 'ThrottlingException', sent: 1 });
  });
});
