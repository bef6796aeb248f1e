import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import {
  createEvent,
  deleteEvent,
  updateEvent,
} from '../../support/custom-resource-event';
import { useLocalSmsVoice } from '../../support/local-sms-voice';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:SmsBridgeInbound';

const local = useLocalSmsVoice();

const numberProperties = (arn: string) => ({
  PhoneNumberId: arn,
  TwoWayChannelArn: TOPIC,
  SelfManagedOptOutsEnabled: 'false',
});

const selfManaged = (
  properties: Record<string, string>,
  optOutListName = 'Default'
) => ({
  ...properties,
  SelfManagedOptOutsEnabled: 'true',
  OptOutListName: optOutListName,
});

describe('two-way config handler: opt-out lists and number types', () => {
  it('fails naming the masked number and both lists when the number uses another list', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      OptOutListName: 'Marketing',
    });

    // Act
    const result = local.handler(
      createEvent(selfManaged(numberProperties(number.PhoneNumberArn)))
    );

    // Assess
    await expect(result).rejects.toThrow(
      `Phone number ${number.PhoneNumberId} (********0100) uses the opt-out list "Marketing", but the stack's optOutListName is "Default"`
    );
  });

  it('fails naming the pool and both lists when the pool uses another list', async () => {
    // Prepare
    const pool = local.smsVoice.addPool({ OptOutListName: 'Default' });

    // Act
    const result = local.handler(
      createEvent(
        selfManaged(
          { PoolId: pool.PoolArn, TwoWayChannelArn: TOPIC },
          'Support-OptOuts'
        )
      )
    );

    // Assess
    await expect(result).rejects.toThrow(
      `Pool ${pool.PoolId} uses the opt-out list "Default", but the stack's optOutListName is "Support-OptOuts"`
    );
  });

  it('changes nothing on a number that uses another list', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      OptOutListName: 'Marketing',
    });

    // Act
    await local
      .handler(
        createEvent(selfManaged(numberProperties(number.PhoneNumberArn)))
      )
      .catch(() => undefined);

    // Assess
    expect(callsTo(local.endpoint.requests, 'UpdatePhoneNumber')).toEqual([]);
  });

  it('configures a number on the list the stack names', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      OptOutListName: 'Support-OptOuts',
    });

    // Act
    await local.handler(
      createEvent(
        selfManaged(numberProperties(number.PhoneNumberArn), 'Support-OptOuts')
      )
    );

    // Assess
    expect(
      local.smsVoice.phoneNumber(number.PhoneNumberId)
        ?.SelfManagedOptOutsEnabled
    ).toBe(true);
  });

  it('fails on a US toll-free number with self-managed opt-outs', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+18885550100', {
      NumberType: 'TOLL_FREE',
    });

    // Act
    const result = local.handler(
      createEvent(selfManaged(numberProperties(number.PhoneNumberArn)))
    );

    // Assess
    await expect(result).rejects.toThrow(
      `Phone number ${number.PhoneNumberId} (********0100) is a US toll-free number, which is not eligible for self-managed opt-outs`
    );
  });

  it('fails on a US toll-free number that the stack leaves to its pool', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+18885550100', {
      NumberType: 'TOLL_FREE',
    });
    const pool = local.smsVoice.addPool({}, [number]);

    // Act
    const result = local.handler(
      createEvent({
        ...selfManaged(numberProperties(number.PhoneNumberArn)),
        Pools: [pool.PoolArn],
      })
    );

    // Assess
    await expect(result).rejects.toThrow('is a US toll-free number');
  });

  it('configures a US toll-free number without self-managed opt-outs', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+18885550100', {
      NumberType: 'TOLL_FREE',
    });

    // Act
    await local.handler(createEvent(numberProperties(number.PhoneNumberArn)));

    // Assess
    expect(local.smsVoice.phoneNumber(number.PhoneNumberId)).toMatchObject({
      TwoWayEnabled: true,
      SelfManagedOptOutsEnabled: false,
    });
  });

  it('configures a Canadian toll-free number with self-managed opt-outs', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+18885550100', {
      NumberType: 'TOLL_FREE',
      IsoCountryCode: 'CA',
    });

    // Act
    await local.handler(
      createEvent(selfManaged(numberProperties(number.PhoneNumberArn)))
    );

    // Assess
    expect(
      local.smsVoice.phoneNumber(number.PhoneNumberId)
        ?.SelfManagedOptOutsEnabled
    ).toBe(true);
  });

  it('checks the list again on an update', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = selfManaged(numberProperties(number.PhoneNumberArn));
    const { PhysicalResourceId } = await local.handler(createEvent(properties));

    // Act
    const result = local.handler(
      updateEvent(
        PhysicalResourceId,
        { ...properties, OptOutListName: 'Support-OptOuts' },
        properties
      )
    );

    // Assess
    await expect(result).rejects.toThrow(
      `the stack's optOutListName is "Support-OptOuts"`
    );
  });
});

describe('two-way config handler: failures', () => {
  it('rejects a number in a pool, pointing to UpdatePool', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const pool = local.smsVoice.addPool({}, [number]);

    // Act
    const result = local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    await expect(result).rejects.toThrow(
      `Phone number ${number.PhoneNumberId} (********0100) belongs to pool ${pool.PoolId}`
    );
  });

  it('names UpdatePool and the pool setting in the pool error', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.addPool({}, [number]);

    // Act
    const result = local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    await expect(result).rejects.toThrow(/UpdatePool.*pools/);
  });

  it('changes nothing on a number in a pool', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.addPool({}, [number]);

    // Act
    await local
      .handler(createEvent(numberProperties(number.PhoneNumberArn)))
      .catch(() => undefined);

    // Assess
    expect(callsTo(local.endpoint.requests, 'UpdatePhoneNumber')).toEqual([]);
  });

  it('fails with the operation, error and service message when the API refuses', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      awsError(
        403,
        'AccessDeniedException',
        'User is not authorized to perform sms-voice:UpdatePhoneNumber'
      )
    );

    // Act
    const result = local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    await expect(result).rejects.toThrow(
      `UpdatePhoneNumber for ${number.PhoneNumberArn} failed (AccessDeniedException, HTTP 403): User is not authorized to perform sms-voice:UpdatePhoneNumber`
    );
  });

  it("includes End User Messaging's reason in the failure", async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      awsError(400, 'ValidationException', 'topic not found', {
        Reason: 'TWO_WAY_TOPIC_NOT_PRESENT',
      })
    );

    // Act
    const result = local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    await expect(result).rejects.toThrow(
      '(ValidationException, TWO_WAY_TOPIC_NOT_PRESENT, HTTP 400)'
    );
  });

  it('masks a phone number that a service message quotes', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.failNext(
      'DescribePhoneNumbers',
      awsError(400, 'ValidationException', 'bad number +12065550100')
    );

    // Act
    const error = await local
      .handler(createEvent(numberProperties(number.PhoneNumberArn)))
      .catch((e: Error) => e);

    // Assess
    expect((error as Error).message).toMatch(/bad number \*+0100$/);
  });

  it('fails readably when the number does not exist', async () => {
    // Prepare
    const arn =
      'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-00000000000000000000000000000000';

    // Act
    const result = local.handler(createEvent(numberProperties(arn)));

    // Assess
    await expect(result).rejects.toThrow(
      `DescribePhoneNumbers for ${arn} failed (ResourceNotFoundException, HTTP 400)`
    );
  });

  it('refuses to leave a role the stack does not pass on the number', async () => {
    // Prepare
    const role = 'arn:aws:iam::111122223333:role/LegacyTwoWay';
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      TwoWayEnabled: true,
      TwoWayChannelArn: 'arn:aws:sns:us-east-1:111122223333:Legacy',
      TwoWayChannelRole: role,
    });

    // Act
    const result = local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    await expect(result).rejects.toThrow(
      `has the two-way channel role ${role}, which UpdatePhoneNumber cannot remove`
    );
  });

  it('fails before any change when the settings are too long to record', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      TwoWayEnabled: true,
      TwoWayChannelArn: `arn:aws:sns:us-east-1:111122223333:${'t'.repeat(1000)}`,
    });

    // Act
    await local
      .handler(createEvent(numberProperties(number.PhoneNumberArn)))
      .catch(() => undefined);

    // Assess
    expect(callsTo(local.endpoint.requests, 'UpdatePhoneNumber')).toEqual([]);
  });

  it('fails a delete whose restore the API refuses', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = numberProperties(number.PhoneNumberArn);
    const created = await local.handler(createEvent(properties));
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      awsError(403, 'AccessDeniedException', 'denied')
    );

    // Act
    const result = local.handler(
      deleteEvent(created.PhysicalResourceId, properties)
    );

    // Assess
    await expect(result).rejects.toThrow(
      `UpdatePhoneNumber for ${number.PhoneNumberArn} failed (AccessDeniedException, HTTP 403): denied`
    );
  });
});
