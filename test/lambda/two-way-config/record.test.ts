import {
  decodeRecord,
  encodeRecord,
  type TwoWayRecord,
} from '../../../lambda/two-way-config/record';

const ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';

describe('two-way record', () => {
  it('reads back the record it wrote', () => {
    // Prepare
    const record: TwoWayRecord = {
      kind: 'phone-number',
      arn: ARN,
      prior: {
        TwoWayEnabled: true,
        TwoWayChannelArn: 'arn:aws:sns:us-east-1:111122223333:Legacy',
        TwoWayChannelRole: 'arn:aws:iam::111122223333:role/Legacy',
        SelfManagedOptOutsEnabled: true,
      },
    };

    // Act
    const decoded = decodeRecord(encodeRecord(record));

    // Assess
    expect(decoded).toEqual(record);
  });

  it('refuses a record longer than CloudFormation keeps', () => {
    // Prepare
    const record: TwoWayRecord = {
      kind: 'phone-number',
      arn: ARN,
      prior: {
        TwoWayEnabled: true,
        TwoWayChannelArn: `arn:aws:sns:us-east-1:111122223333:${'t'.repeat(950)}`,
        SelfManagedOptOutsEnabled: false,
      },
    };

    // Act & Assess
    expect(() => encodeRecord(record)).toThrow(
      /more than the 1024 bytes CloudFormation keeps/
    );
  });

  it.each([
    [
      'an id of the provider framework',
      'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED',
    ],
    ['JSON of another shape', '{"kind":"phone-number","arn":"x"}'],
    [
      'a pool record left to a pool',
      '{"kind":"pool","arn":"x","pool":"pool-1"}',
    ],
    [
      'settings of the wrong type',
      '{"kind":"pool","arn":"x","prior":{"TwoWayEnabled":"yes","SelfManagedOptOutsEnabled":false}}',
    ],
  ])('finds no record in %s', (_what, id) => {
    // Prepare, Act
    const decoded = decodeRecord(id);

    // Assess
    expect(decoded).toBeUndefined();
  });
});
