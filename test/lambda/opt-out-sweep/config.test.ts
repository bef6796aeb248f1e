import {
  loadParticipantSweepConfig,
  loadSweepConfig,
} from '../../../lambda/opt-out-sweep/config';
import { ENV } from '../../../lambda/shared/settings';

const BRIDGE_NUMBER = '+12065550100';
const BRIDGE_NUMBER_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';

/** What the construct sets on the sweep function. */
const SWEEP_ENVIRONMENT = {
  [ENV.optOutListName]: 'Default',
  [ENV.phoneNumbers]: JSON.stringify({
    [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN,
  }),
  [ENV.subtype]: 'connect:sms',
  [ENV.stateTableName]: 'SmsConnectBridge-IdempotencyTable',
};

const failureOf = (load: () => unknown): string => {
  try {
    load();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the configuration to be refused');
};

describe('the opt-out sweep configuration', () => {
  it('reads what the construct sets', () => {
    // Act
    const config = loadSweepConfig(SWEEP_ENVIRONMENT);

    // Assess
    expect(config).toEqual({
      optOutListName: 'Default',
      phoneNumberArns: new Map([[BRIDGE_NUMBER, BRIDGE_NUMBER_ARN]]),
      subtype: 'connect:sms',
      stateTableName: 'SmsConnectBridge-IdempotencyTable',
    });
  });

  it.each([
    ENV.optOutListName,
    ENV.phoneNumbers,
    ENV.subtype,
    ENV.stateTableName,
  ])('fails when %s is not set', (name) => {
    // Act
    const message = failureOf(() =>
      loadSweepConfig({ ...SWEEP_ENVIRONMENT, [name]: undefined })
    );

    // Assess
    expect(message).toBe(`Environment variable ${name} is not set`);
  });

  it('refuses a list name End User Messaging would refuse', () => {
    // Act
    const message = failureOf(() =>
      loadSweepConfig({
        ...SWEEP_ENVIRONMENT,
        [ENV.optOutListName]: 'Support list',
      })
    );

    // Assess
    expect(message).toMatch(/^Environment variable OPT_OUT_LIST_NAME must be/);
  });

  it('refuses numbers that are not E.164, without showing them', () => {
    // Act
    const message = failureOf(() =>
      loadSweepConfig({
        ...SWEEP_ENVIRONMENT,
        [ENV.phoneNumbers]: JSON.stringify({
          '2065550100': BRIDGE_NUMBER_ARN,
        }),
      })
    );

    // Assess
    expect(message).toBe(
      'Environment variable PHONE_NUMBERS must be a JSON object of E.164 number -> phone-number ARN'
    );
  });

  it('needs the session table in participant mode', () => {
    // Act
    const message = failureOf(() =>
      loadParticipantSweepConfig(SWEEP_ENVIRONMENT)
    );

    // Assess
    expect(message).toBe('Environment variable SESSION_TABLE_NAME is not set');
  });
});
