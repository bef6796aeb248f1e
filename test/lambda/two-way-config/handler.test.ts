import { decodeRecord } from '../../../lambda/two-way-config/record';
import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import {
  createEvent,
  deleteEvent,
  updateEvent,
} from '../../support/custom-resource-event';
import { useLocalSmsVoice } from '../../support/local-sms-voice';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:SmsBridgeInbound';
const OTHER_TOPIC = 'arn:aws:sns:us-east-1:111122223333:LegacyInbound';
const ROLE = 'arn:aws:iam::111122223333:role/SmsVoiceTwoWay';

const local = useLocalSmsVoice();

const numberProperties = (arn: string, selfManaged = 'false') => ({
  PhoneNumberId: arn,
  TwoWayChannelArn: TOPIC,
  SelfManagedOptOutsEnabled: selfManaged,
});

const twoWayOf = (entry: object | undefined) => {
  const {
    TwoWayEnabled,
    TwoWayChannelArn,
    TwoWayChannelRole,
    SelfManagedOptOutsEnabled,
  } = entry as Record<string, unknown>;
  return {
    TwoWayEnabled,
    TwoWayChannelArn,
    TwoWayChannelRole,
    SelfManagedOptOutsEnabled,
  };
};

describe('two-way config handler: create', () => {
  it("points the number's two-way channel at the topic", async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');

    // Act
    await local.handler(createEvent(numberProperties(number.PhoneNumberArn)));

    // Assess
    expect(twoWayOf(local.smsVoice.phoneNumber(number.PhoneNumberId))).toEqual({
      TwoWayEnabled: true,
      TwoWayChannelArn: TOPIC,
      TwoWayChannelRole: undefined,
      SelfManagedOptOutsEnabled: false,
    });
  });

  it('records the settings it found in the physical resource id', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
    });

    // Act
    const response = await local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    expect(decodeRecord(response.PhysicalResourceId)).toEqual({
      kind: 'phone-number',
      arn: number.PhoneNumberArn,
      prior: {
        TwoWayEnabled: true,
        TwoWayChannelArn: OTHER_TOPIC,
        SelfManagedOptOutsEnabled: false,
      },
    });
  });

  it('keeps the phone number itself out of the physical resource id', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');

    // Act
    const response = await local.handler(
      createEvent(numberProperties(number.PhoneNumberArn))
    );

    // Assess
    expect(response.PhysicalResourceId).not.toContain('2065550100');
  });

  it('enables self-managed opt-outs when asked', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');

    // Act
    await local.handler(
      createEvent(numberProperties(number.PhoneNumberArn, 'true'))
    );

    // Assess
    expect(
      local.smsVoice.phoneNumber(number.PhoneNumberId)
        ?.SelfManagedOptOutsEnabled
    ).toBe(true);
  });

  it('passes the channel role when the stack gives one', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');

    // Act
    await local.handler(
      createEvent({
        ...numberProperties(number.PhoneNumberArn),
        TwoWayChannelRole: ROLE,
      })
    );

    // Assess
    expect(
      callsTo(local.endpoint.requests, 'UpdatePhoneNumber').map(
        ({ body }) => body
      )
    ).toEqual([
      {
        PhoneNumberId: number.PhoneNumberArn,
        TwoWayEnabled: true,
        TwoWayChannelArn: TOPIC,
        TwoWayChannelRole: ROLE,
        SelfManagedOptOutsEnabled: false,
      },
    ]);
  });

  it('sets a pool with UpdatePool and the same members', async () => {
    // Prepare
    const pool = local.smsVoice.addPool();

    // Act
    await local.handler(
      createEvent({
        PoolId: pool.PoolId,
        TwoWayChannelArn: TOPIC,
        SelfManagedOptOutsEnabled: 'true',
      })
    );

    // Assess
    expect(
      callsTo(local.endpoint.requests, 'UpdatePool').map(({ body }) => body)
    ).toEqual([
      {
        PoolId: pool.PoolArn,
        TwoWayEnabled: true,
        TwoWayChannelArn: TOPIC,
        SelfManagedOptOutsEnabled: true,
      },
    ]);
  });

  it('leaves a number to its pool when the stack configures that pool', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const pool = local.smsVoice.addPool({}, [number]);

    // Act
    await local.handler(
      createEvent({
        ...numberProperties(number.PhoneNumberArn),
        Pools: [pool.PoolArn],
      })
    );

    // Assess
    expect(callsTo(local.endpoint.requests, 'UpdatePhoneNumber')).toEqual([]);
  });
});

describe('two-way config handler: update', () => {
  it('re-applies the settings and keeps the physical resource id', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = numberProperties(number.PhoneNumberArn);
    const created = await local.handler(createEvent(properties));

    // Act
    const updated = await local.handler(
      updateEvent(
        created.PhysicalResourceId,
        numberProperties(number.PhoneNumberArn, 'true'),
        properties
      )
    );

    // Assess
    expect({
      id: updated.PhysicalResourceId,
      selfManaged: local.smsVoice.phoneNumber(number.PhoneNumberId)
        ?.SelfManagedOptOutsEnabled,
    }).toEqual({ id: created.PhysicalResourceId, selfManaged: true });
  });

  it('keeps the settings recorded at create, not those it set', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
    });
    const properties = numberProperties(number.PhoneNumberArn);
    const created = await local.handler(createEvent(properties));
    const updated = await local.handler(
      updateEvent(created.PhysicalResourceId, properties, properties)
    );

    // Act
    await local.handler(deleteEvent(updated.PhysicalResourceId, properties));

    // Assess
    expect(
      local.smsVoice.phoneNumber(number.PhoneNumberId)?.TwoWayChannelArn
    ).toBe(OTHER_TOPIC);
  });

  it('records a new number in a new physical resource id', async () => {
    // Prepare
    const first = local.smsVoice.addPhoneNumber('+12065550100');
    const second = local.smsVoice.addPhoneNumber('+12065550101', {
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
    });
    const created = await local.handler(
      createEvent(numberProperties(first.PhoneNumberArn))
    );

    // Act
    const updated = await local.handler(
      updateEvent(
        created.PhysicalResourceId,
        numberProperties(second.PhoneNumberArn),
        numberProperties(first.PhoneNumberArn)
      )
    );

    // Assess
    expect(decodeRecord(updated.PhysicalResourceId)).toEqual({
      kind: 'phone-number',
      arn: second.PhoneNumberArn,
      prior: {
        TwoWayEnabled: true,
        TwoWayChannelArn: OTHER_TOPIC,
        SelfManagedOptOutsEnabled: false,
      },
    });
  });

  it('configures an added number and restores a removed one', async () => {
    // Prepare: a stack update that drops the first number and adds the
    // third runs as CloudFormation does it, create first, delete at cleanup.
    const numbers = ['+12065550100', '+12065550101', '+12065550102'].map((n) =>
      local.smsVoice.addPhoneNumber(n)
    );
    const [removed, kept, added] = numbers as [
      (typeof numbers)[0],
      (typeof numbers)[0],
      (typeof numbers)[0],
    ];
    const removedResource = await local.handler(
      createEvent(numberProperties(removed.PhoneNumberArn))
    );
    await local.handler(createEvent(numberProperties(kept.PhoneNumberArn)));

    // Act
    await local.handler(createEvent(numberProperties(added.PhoneNumberArn)));
    await local.handler(
      deleteEvent(
        removedResource.PhysicalResourceId,
        numberProperties(removed.PhoneNumberArn)
      )
    );

    // Assess
    expect(
      numbers.map(
        (n) => local.smsVoice.phoneNumber(n.PhoneNumberId)?.TwoWayEnabled
      )
    ).toEqual([false, true, true]);
  });
});

describe('two-way config handler: delete', () => {
  it('restores the settings the number had before', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100', {
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
      TwoWayChannelRole: ROLE,
    });
    const properties = {
      ...numberProperties(number.PhoneNumberArn, 'true'),
      TwoWayChannelRole: `${ROLE}Bridge`,
    };
    const created = await local.handler(createEvent(properties));

    // Act
    await local.handler(deleteEvent(created.PhysicalResourceId, properties));

    // Assess
    expect(twoWayOf(local.smsVoice.phoneNumber(number.PhoneNumberId))).toEqual({
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
      TwoWayChannelRole: ROLE,
      SelfManagedOptOutsEnabled: false,
    });
  });

  it('turns two-way off again on a number that had it off', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = numberProperties(number.PhoneNumberArn, 'true');
    const created = await local.handler(createEvent(properties));

    // Act
    await local.handler(deleteEvent(created.PhysicalResourceId, properties));

    // Assess
    expect(
      callsTo(local.endpoint.requests, 'UpdatePhoneNumber').at(-1)?.body
    ).toEqual({
      PhoneNumberId: number.PhoneNumberArn,
      TwoWayEnabled: false,
      SelfManagedOptOutsEnabled: false,
    });
  });

  it('restores a pool with UpdatePool', async () => {
    // Prepare
    const pool = local.smsVoice.addPool({
      TwoWayEnabled: true,
      TwoWayChannelArn: OTHER_TOPIC,
    });
    const properties = {
      PoolId: pool.PoolArn,
      TwoWayChannelArn: TOPIC,
      SelfManagedOptOutsEnabled: 'false',
    };
    const created = await local.handler(createEvent(properties));

    // Act
    await local.handler(deleteEvent(created.PhysicalResourceId, properties));

    // Assess
    expect(local.smsVoice.pool(pool.PoolId)?.TwoWayChannelArn).toBe(
      OTHER_TOPIC
    );
  });

  it('succeeds when the number has been released', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');
    const properties = numberProperties(number.PhoneNumberArn);
    const created = await local.handler(createEvent(properties));
    local.smsVoice.failNext(
      'UpdatePhoneNumber',
      awsError(400, 'ResourceNotFoundException', 'not found')
    );

    // Act
    const deleted = await local.handler(
      deleteEvent(created.PhysicalResourceId, properties)
    );

    // Assess
    expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
  });

  it('changes nothing when the physical resource id records nothing', async () => {
    // Prepare
    const number = local.smsVoice.addPhoneNumber('+12065550100');

    // Act
    await local.handler(
      deleteEvent(
        'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED',
        numberProperties(number.PhoneNumberArn)
      )
    );

    // Assess
    expect(local.endpoint.requests).toHaveLength(0);
  });
});
