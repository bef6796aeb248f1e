import {
  DescribeOptedOutNumbersCommand,
  type DescribeOptedOutNumbersCommandInput,
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
import { standInClientConfig } from '../../support/stand-in-client';

const FIRST = '+14255550101';
const SECOND = '+14255550102';
const THIRD = '+14255550103';
const END_USER_ONLY = [
  { Name: 'end-user-opted-out' as const, Values: ['true'] },
];

let endpoint: LocalEndpoint;
let smsVoice: SmsVoiceResponder;
let client: PinpointSMSVoiceV2Client;

beforeAll(async () => {
  endpoint = await startLocalEndpoint((request) => smsVoice.respond(request));
  client = new PinpointSMSVoiceV2Client(standInClientConfig(endpoint.url));
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
    (error: unknown) =>
      error as { name: string; Reason?: string; ResourceType?: string }
  );

const listOptedOut = (input: Partial<DescribeOptedOutNumbersCommandInput>) =>
  client.send(
    new DescribeOptedOutNumbersCommand({ OptOutListName: 'Default', ...input })
  );

const failureOf = async (
  input: Partial<DescribeOptedOutNumbersCommandInput>
) => {
  const error = await errorOf(listOptedOut(input));
  return { name: error.name, reason: error.Reason };
};

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

describe('local End User Messaging: DescribeOptedOutNumbers', () => {
  it("lists a customer's STOP with its time and EndUserOptedOut true", async () => {
    // Prepare
    const at = new Date('2026-11-28T10:15:30.250Z');
    smsVoice.endUserOptOut(FIRST, { at });

    // Act
    const response = await listOptedOut({});

    // Assess
    expect(response.OptedOutNumbers).toEqual([
      { OptedOutNumber: FIRST, OptedOutTimestamp: at, EndUserOptedOut: true },
    ]);
  });

  it("lists the account's own PutOptedOutNumber with EndUserOptedOut false", async () => {
    // Prepare
    await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: 'Default',
        OptedOutNumber: FIRST,
      })
    );

    // Act
    const response = await listOptedOut({});

    // Assess
    expect(response.OptedOutNumbers?.map((n) => n.EndUserOptedOut)).toEqual([
      false,
    ]);
  });

  it('keeps only end-user opt-outs with the end-user-opted-out filter', async () => {
    // Prepare
    smsVoice.endUserOptOut(FIRST);
    await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: 'Default',
        OptedOutNumber: SECOND,
      })
    );

    // Act
    const response = await listOptedOut({ Filters: END_USER_ONLY });

    // Assess
    expect(response.OptedOutNumbers?.map((n) => n.OptedOutNumber)).toEqual([
      FIRST,
    ]);
  });

  it('pages by MaxResults, in number order, until no NextToken', async () => {
    // Prepare: opted out newest number first
    smsVoice.endUserOptOut(THIRD, { at: new Date('2026-11-28T10:00:00Z') });
    smsVoice.endUserOptOut(FIRST, { at: new Date('2026-11-28T11:00:00Z') });
    smsVoice.endUserOptOut(SECOND, { at: new Date('2026-11-28T09:00:00Z') });

    // Act
    const first = await listOptedOut({ MaxResults: 2 });
    const second = await listOptedOut({
      MaxResults: 2,
      NextToken: first.NextToken,
    });

    // Assess
    expect({
      first: first.OptedOutNumbers?.map((n) => n.OptedOutNumber),
      second: second.OptedOutNumbers?.map((n) => n.OptedOutNumber),
      last: second.NextToken,
    }).toEqual({ first: [FIRST, SECOND], second: [THIRD], last: undefined });
  });

  it('answers the list name and ARN when given the ARN', async () => {
    // Act
    const response = await listOptedOut({
      OptOutListName:
        'arn:aws:sms-voice:us-east-1:111122223333:opt-out-list/Default',
    });

    // Assess
    expect({
      name: response.OptOutListName,
      arn: response.OptOutListArn,
    }).toEqual({
      name: 'Default',
      arn: 'arn:aws:sms-voice:us-east-1:111122223333:opt-out-list/Default',
    });
  });

  it('describes only the numbers asked for', async () => {
    // Prepare
    smsVoice.endUserOptOut(FIRST);
    smsVoice.endUserOptOut(SECOND);

    // Act
    const response = await listOptedOut({ OptedOutNumbers: [SECOND] });

    // Assess
    expect(response.OptedOutNumbers?.map((n) => n.OptedOutNumber)).toEqual([
      SECOND,
    ]);
  });

  it('answers ResourceNotFoundException for a number not on the list', async () => {
    // Act
    const error = await errorOf(listOptedOut({ OptedOutNumbers: [FIRST] }));

    // Assess
    expect({ name: error.name, type: error.ResourceType }).toEqual({
      name: 'ResourceNotFoundException',
      type: 'opted-out-number',
    });
  });

  it('answers ResourceNotFoundException for an unknown list', async () => {
    // Act
    const error = await errorOf(listOptedOut({ OptOutListName: 'Missing' }));

    // Assess
    expect({ name: error.name, type: error.ResourceType }).toEqual({
      name: 'ResourceNotFoundException',
      type: 'opt-out-list',
    });
  });

  it('refuses a NextToken it did not issue', async () => {
    // Prepare
    smsVoice.endUserOptOut(FIRST);
    smsVoice.endUserOptOut(SECOND);

    // Act
    const failure = await failureOf({ MaxResults: 1, NextToken: 'made-up' });

    // Assess
    expect(failure).toEqual({
      name: 'ValidationException',
      reason: 'INVALID_NEXT_TOKEN',
    });
  });

  it('refuses a NextToken issued for another query', async () => {
    // Prepare
    smsVoice.endUserOptOut(FIRST);
    smsVoice.endUserOptOut(SECOND);
    const { NextToken } = await listOptedOut({ MaxResults: 1 });

    // Act
    const failure = await failureOf({
      MaxResults: 1,
      NextToken,
      Filters: END_USER_ONLY,
    });

    // Assess
    expect(failure.reason).toBe('INVALID_NEXT_TOKEN');
  });

  it.each([
    ['MaxResults of 0', { MaxResults: 0 }, 'FIELD_VALIDATION_FAILED'],
    ['MaxResults over 100', { MaxResults: 101 }, 'FIELD_VALIDATION_FAILED'],
    [
      'more than 5 numbers',
      { OptedOutNumbers: [1, 2, 3, 4, 5, 6].map((n) => `+1425555010${n}`) },
      'FIELD_VALIDATION_FAILED',
    ],
    [
      'a number that is not one',
      { OptedOutNumbers: ['call me'] },
      'FIELD_VALIDATION_FAILED',
    ],
    [
      'a filter value other than true or false',
      { Filters: [{ Name: 'end-user-opted-out' as const, Values: ['yes'] }] },
      'INVALID_FILTER_VALUES',
    ],
    [
      'a filter with no values',
      { Filters: [{ Name: 'end-user-opted-out' as const, Values: [] }] },
      'FIELD_VALIDATION_FAILED',
    ],
    ['an empty NextToken', { NextToken: '' }, 'FIELD_VALIDATION_FAILED'],
    [
      'a list name with a space',
      { OptOutListName: 'Support list' },
      'FIELD_VALIDATION_FAILED',
    ],
  ])('refuses %s with ValidationException', async (_, input, reason) => {
    // Act
    const failure = await failureOf(input);

    // Assess
    expect(failure).toEqual({ name: 'ValidationException', reason });
  });

  it('refuses a request without OptOutListName', async () => {
    // Act
    const error = await errorOf(
      client.send(
        new DescribeOptedOutNumbersCommand(
          {} as DescribeOptedOutNumbersCommandInput
        )
      )
    );

    // Assess
    expect({ name: error.name, reason: error.Reason }).toEqual({
      name: 'ValidationException',
      reason: 'MISSING_PARAMETER',
    });
  });
});
