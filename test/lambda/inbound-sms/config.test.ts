import { loadConfig } from '../../../lambda/inbound-sms/config';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  ENV,
} from '../../../lambda/shared/settings';
import {
  fullBridgeEnv,
  minimalBridgeEnv,
  PHONE_NUMBER_ARNS,
} from '../../support/fixtures/bridge-env';

describe('loadConfig', () => {
  it('reads every setting the construct passes', () => {
    // Prepare
    const env = fullBridgeEnv();

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toEqual({
      phoneNumberArns: new Map(Object.entries(PHONE_NUMBER_ARNS)),
      subtype: 'connect:sms',
      isOptOut: expect.any(Function),
      displayName: 'SMS customer',
      contactAttributes: { channel: 'sms', 'queue-name': 'Support_EN' },
      numberAttributes: {
        customerNumber: 'customerPhoneNumber',
        systemNumber: 'systemPhoneNumber',
      },
      supportedContentTypes: ['text/plain', 'text/markdown'],
      streamingEndpointArn:
        'arn:aws:sns:us-east-1:111122223333:sms-connect-bridge-Streaming',
      deadLetterQueueUrl: env[ENV.deadLetterQueueUrl],
      queueUrl: env[ENV.queueUrl],
      idempotencyTableName: 'sms-connect-bridge-IdempotencyTable',
      deduplicationWindowSeconds: 86_400,
      maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
    });
  });

  it("reads the queue's maxReceiveCount", () => {
    // Prepare
    const env = { ...minimalBridgeEnv(), MAX_RECEIVE_COUNT: '20' };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.maxReceiveCount).toBe(20);
  });

  it('refuses a MAX_RECEIVE_COUNT that is not a positive whole number', () => {
    // Prepare
    const env = { ...minimalBridgeEnv(), MAX_RECEIVE_COUNT: '0' };

    // Act
    const load = () => loadConfig(env);

    // Assess
    expect(load).toThrow(/MAX_RECEIVE_COUNT/);
  });

  it('builds the opt-out matcher from the keywords it is given', () => {
    // Prepare
    const env = {
      ...minimalBridgeEnv(),
      [ENV.disconnectKeywords]: JSON.stringify(['BYE']),
    };

    // Act
    const { isOptOut } = loadConfig(env);

    // Assess
    expect([isOptOut('Bye!'), isOptOut('STOP')]).toEqual([true, false]);
  });

  it('matches opt-outs on the whole message with whole-message', () => {
    // Prepare
    const env = { ...minimalBridgeEnv(), [ENV.keywordMatch]: 'whole-message' };

    // Act
    const { isOptOut } = loadConfig(env);

    // Assess
    expect([isOptOut('Stop.'), isOptOut('Cancel my appointment')]).toEqual([
      true,
      false,
    ]);
  });

  it("matches opt-outs by End User Messaging's rule with begins-with", () => {
    // Prepare
    const env = { ...minimalBridgeEnv(), [ENV.keywordMatch]: 'begins-with' };

    // Act
    const { isOptOut } = loadConfig(env);

    // Assess
    expect([isOptOut('Cancel my appointment'), isOptOut('Hello')]).toEqual([
      true,
      false,
    ]);
  });

  it('applies the defaults of the optional settings', () => {
    // Prepare
    const env = minimalBridgeEnv();

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.contactAttributes).toEqual({});
    expect(config.supportedContentTypes).toEqual(['text/plain']);
    expect(config).not.toHaveProperty('displayName');
    expect(config).not.toHaveProperty('streamingEndpointArn');
  });

  it.each([ENV.displayName, ENV.streamingEndpointArn])(
    'treats a blank %s as not set',
    (name) => {
      // Prepare
      const env = { ...minimalBridgeEnv(), [name]: '  ' };

      // Act
      const config = loadConfig(env);

      // Assess
      expect(Object.values(config)).not.toContain('  ');
      expect(Object.values(config)).not.toContain('');
    }
  );

  it('accepts new-chat details at the limits Connect allows', () => {
    // Prepare: the number attributes take 19 + 16 and 17 + 16 bytes
    const env = {
      ...minimalBridgeEnv(),
      [ENV.displayName]: 'x'.repeat(256),
      [ENV.contactAttributes]: JSON.stringify({
        note: 'x'.repeat(32_764 - 68),
      }),
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.displayName).toHaveLength(256);
    expect(config.contactAttributes.note).toHaveLength(32_764 - 68);
  });

  it("counts the phone-number attributes against Connect's attribute limit", () => {
    // Prepare
    const env = {
      ...minimalBridgeEnv(),
      [ENV.contactAttributes]: JSON.stringify({
        note: 'x'.repeat(32_764 - 67),
      }),
    };

    // Act
    const load = () => loadConfig(env);

    // Assess
    expect(load).toThrow(
      `${ENV.contactAttributes} must total at most 32768 UTF-8 bytes with the phone-number attributes, got 32769`
    );
  });

  it('reads the phone-number attribute names', () => {
    // Prepare
    const env = {
      ...minimalBridgeEnv(),
      [ENV.numberAttributes]: JSON.stringify({
        customerNumber: 'caller',
        systemNumber: 'smsLine',
      }),
    };

    // Act
    const { numberAttributes } = loadConfig(env);

    // Assess
    expect(numberAttributes).toEqual({
      customerNumber: 'caller',
      systemNumber: 'smsLine',
    });
  });

  it('fails when a contact attribute takes the name of a number attribute', () => {
    // Prepare
    const env = {
      ...minimalBridgeEnv(),
      [ENV.contactAttributes]: JSON.stringify({ systemPhoneNumber: 'x' }),
    };

    // Act
    const load = () => loadConfig(env);

    // Assess
    expect(load).toThrow(
      `Environment variable ${ENV.numberAttributes} names systemPhoneNumber, which ${ENV.contactAttributes} already sets`
    );
  });

  it("leaves out the customer's number when its attribute is null", () => {
    // Prepare
    const env = {
      ...minimalBridgeEnv(),
      [ENV.numberAttributes]: JSON.stringify({
        customerNumber: null,
        systemNumber: 'systemPhoneNumber',
      }),
    };

    // Act
    const { numberAttributes } = loadConfig(env);

    // Assess
    expect(numberAttributes).toEqual({ systemNumber: 'systemPhoneNumber' });
  });

  it('trims the values it reads', () => {
    // Prepare
    const env = { ...minimalBridgeEnv(), [ENV.subtype]: ' connect:sms\n' };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.subtype).toBe('connect:sms');
  });

  it.each([
    ENV.phoneNumbers,
    ENV.subtype,
    ENV.disconnectKeywords,
    ENV.keywordMatch,
    ENV.numberAttributes,
    ENV.deadLetterQueueUrl,
    ENV.idempotencyTableName,
    ENV.deduplicationWindowSeconds,
  ])('fails naming %s when it is not set', (name) => {
    // Prepare
    const env: Record<string, string | undefined> = minimalBridgeEnv();
    delete env[name];

    // Act
    const load = () => loadConfig(env);

    // Assess
    expect(load).toThrow(`Environment variable ${name} is not set`);
  });

  it.each([
    [ENV.phoneNumbers, 'not json', 'is not valid JSON'],
    [ENV.phoneNumbers, '["+12125550101"]', 'must be a JSON object of strings'],
    [
      ENV.phoneNumbers,
      '{"+12125550101":1}',
      'must be a JSON object of strings',
    ],
    [ENV.phoneNumbers, 'null', 'must be a JSON object of strings'],
    [ENV.phoneNumbers, '{}', 'must name at least one phone number'],
    [ENV.disconnectKeywords, 'STOP', 'is not valid JSON'],
    [ENV.disconnectKeywords, '"STOP"', 'must be a JSON list of strings'],
    [ENV.disconnectKeywords, '["STOP",1]', 'must be a JSON list of strings'],
    [
      ENV.keywordMatch,
      'starts-with',
      'must be one of whole-message, begins-with',
    ],
    [
      ENV.keywordMatch,
      'WHOLE-MESSAGE',
      'must be one of whole-message, begins-with',
    ],
    [ENV.contactAttributes, '{"a":', 'is not valid JSON'],
    [ENV.contactAttributes, '["a"]', 'must be a JSON object of strings'],
    [
      ENV.contactAttributes,
      '{"a":{"b":"c"}}',
      'must be a JSON object of strings',
    ],
    [ENV.contactAttributes, '{"queue name":"x"}', 'keys may hold only'],
    [ENV.contactAttributes, '{"a.b":"x"}', 'keys may hold only'],
    [
      ENV.contactAttributes,
      JSON.stringify({ note: 'x'.repeat(32_765) }),
      'must total at most 32768 UTF-8 bytes',
    ],
    [
      ENV.numberAttributes,
      '{"systemNumber":"systemPhoneNumber"}',
      'must be a JSON object of customerNumber (an attribute name, or null) and systemNumber',
    ],
    [
      ENV.numberAttributes,
      '{"customerNumber":"customer number","systemNumber":"systemPhoneNumber"}',
      'must be a JSON object of customerNumber',
    ],
    [
      ENV.numberAttributes,
      '{"customerNumber":null,"systemNumber":""}',
      'must be a JSON object of customerNumber',
    ],
    [ENV.numberAttributes, '[]', 'must be a JSON object of customerNumber'],
    [ENV.numberAttributes, '{', 'is not valid JSON'],
    [
      ENV.numberAttributes,
      '{"customerNumber":"phone","systemNumber":"phone"}',
      'must name two different attributes, got phone twice',
    ],
    [ENV.displayName, 'x'.repeat(257), 'is over 256 characters'],
    [ENV.supportedContentTypes, 'text/plain', 'is not valid JSON'],
    [
      ENV.supportedContentTypes,
      '["text/markdown"]',
      'must contain "text/plain"',
    ],
    [ENV.supportedContentTypes, '[]', 'must contain "text/plain"'],
    [ENV.supportedContentTypes, '{"a":"text/plain"}', 'must be a JSON list'],
    [ENV.deduplicationWindowSeconds, '0', 'must be a positive whole number'],
    [ENV.deduplicationWindowSeconds, '-5', 'must be a positive whole number'],
    [ENV.deduplicationWindowSeconds, '1.5', 'must be a positive whole number'],
    [
      ENV.deduplicationWindowSeconds,
      'a day',
      'must be a positive whole number',
    ],
  ])('fails naming %s when it is %j', (name, value, rule) => {
    // Prepare
    const env = { ...minimalBridgeEnv(), [name]: value };

    // Act
    const load = () => loadConfig(env);

    // Assess
    expect(load).toThrow(name);
    expect(load).toThrow(rule);
  });
});
