import { smsVoiceError } from '../../tools/local-aws/sms-voice';
import { createEvent, deleteEvent } from './support/custom-resource-event';
import { useLocalSmsVoice } from './support/local-sms-voice';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:SmsBridgeInbound';

const local = useLocalSmsVoice();

const numberProperties = (arn: string) => ({
  PhoneNumberId: arn,
  TwoWayChannelArn: TOPIC,
  SelfManagedOptOutsEnabled: 'false',
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
    expect(
      local.smsVoice.calls(local.endpoint.requests, 'UpdatePhoneNumber')
    ).toEqual([]);
  });

  it('fails with the operation, error and service message when the API refuses', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      smsVoiceError(
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
      smsVoiceError(400, 'ValidationException', 'topic not found', {
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
      smsVoiceError(400, 'ValidationException', 'bad number +12065550100')
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
    expect(
      local.smsVoice.calls(local.endpoint.requests, 'UpdatePhoneNumber')
    ).toEqual([]);
  });

  it('fails a delete whose restore the API refuses', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = numberProperties(number.PhoneNumberArn);
    const created = await local.handler(createEvent(properties));
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      smsVoiceError(403, 'AccessDeniedException', 'denied')
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
