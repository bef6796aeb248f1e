import {
  INSTANCE_ARN,
  NUMBER,
  PHONE_NUMBER_ARN,
  REQUIRED_CONTEXT,
  synthError,
} from '../../support/bridge-app';

const phoneNumbers = (numbers: Record<string, string>) =>
  JSON.stringify(numbers);
const withKey = (key: string, value: string) => ({
  ...REQUIRED_CONTEXT,
  [key]: value,
});
const without = (key: string) =>
  Object.fromEntries(
    Object.entries(REQUIRED_CONTEXT).filter(([name]) => name !== key)
  );
const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `<n>` phone numbers, each a valid E.164 number with its ARN. */
const manyNumbers = (count: number): string =>
  phoneNumbers(
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `+1206555${String(i).padStart(4, '0')}`,
        PHONE_NUMBER_ARN.replace(/[0-9a-f]{4}$/, String(1000 + i)),
      ])
    )
  );

/**
 * Each row: what is wrong, the context (strings as `-c` gives them), the
 * setting the error must name, and what it must show after "got": the bad
 * value as JSON, or its size when the value itself is too big to show.
 */
const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
  [
    'connectInstanceArn is missing',
    without('connectInstanceArn'),
    'connectInstanceArn',
    'undefined',
  ],
  [
    'connectInstanceArn is not an instance ARN',
    withKey(
      'connectInstanceArn',
      'arn:aws:connect:us-east-1:111122223333:instance/not-a-uuid'
    ),
    'connectInstanceArn',
    '"arn:aws:connect:us-east-1:111122223333:instance/not-a-uuid"',
  ],
  [
    'connectInstanceArn names a queue, not the instance',
    withKey('connectInstanceArn', `${INSTANCE_ARN}/queue/abc`),
    'connectInstanceArn',
    `"${INSTANCE_ARN}/queue/abc"`,
  ],
  [
    'phoneNumbers is missing',
    without('phoneNumbers'),
    'phoneNumbers',
    'undefined',
  ],
  [
    'phoneNumbers is not JSON',
    withKey('phoneNumbers', `${NUMBER}=${PHONE_NUMBER_ARN}`),
    'phoneNumbers',
    `"${NUMBER}=${PHONE_NUMBER_ARN}"`,
  ],
  [
    'phoneNumbers is a JSON list, not an object',
    withKey('phoneNumbers', JSON.stringify([PHONE_NUMBER_ARN])),
    'phoneNumbers',
    JSON.stringify([PHONE_NUMBER_ARN]),
  ],
  [
    'phoneNumbers is empty',
    withKey('phoneNumbers', '{}'),
    'phoneNumbers',
    '{}',
  ],
  [
    'a phoneNumbers key is not E.164',
    withKey('phoneNumbers', phoneNumbers({ '2065550100': PHONE_NUMBER_ARN })),
    'phoneNumbers',
    '"2065550100"',
  ],
  [
    'a phoneNumbers value is a pool ARN, not a phone-number ARN',
    withKey(
      'phoneNumbers',
      phoneNumbers({
        [NUMBER]:
          'arn:aws:sms-voice:us-east-1:111122223333:pool/pool-0123456789abcdef0123456789abcdef',
      })
    ),
    `phoneNumbers["${NUMBER}"]`,
    '"arn:aws:sms-voice:us-east-1:111122223333:pool/pool-0123456789abcdef0123456789abcdef"',
  ],
  [
    'a phone number is in another region than the instance',
    withKey(
      'phoneNumbers',
      phoneNumbers({
        [NUMBER]: PHONE_NUMBER_ARN.replace('us-east-1', 'eu-west-2'),
      })
    ),
    `phoneNumbers["${NUMBER}"]`,
    JSON.stringify(PHONE_NUMBER_ARN.replace('us-east-1', 'eu-west-2')),
  ],
  [
    'subtype is unknown',
    withKey('subtype', 'connect:SMS'),
    'subtype',
    '"connect:SMS"',
  ],
  [
    'disconnectKeywords is empty',
    withKey('disconnectKeywords', '[]'),
    'disconnectKeywords',
    '[]',
  ],
  [
    'disconnectKeywords is not a list',
    withKey('disconnectKeywords', '"STOP"'),
    'disconnectKeywords',
    '"STOP"',
  ],
  [
    'a disconnect keyword is over 30 characters',
    withKey('disconnectKeywords', JSON.stringify(['STOP', 'X'.repeat(31)])),
    'disconnectKeywords',
    `"${'X'.repeat(31)}"`,
  ],
  [
    'keywordMatch is unknown',
    withKey('keywordMatch', 'starts-with'),
    'keywordMatch',
    '"starts-with"',
  ],
  [
    'keywordMatch is not a string',
    { ...REQUIRED_CONTEXT, keywordMatch: true },
    'keywordMatch',
    'true',
  ],
  [
    'displayName is over 256 characters',
    withKey('displayName', 'n'.repeat(257)),
    'displayName',
    `"${'n'.repeat(257)}"`,
  ],
  [
    'displayName is blank',
    withKey('displayName', '   '),
    'displayName',
    '"   "',
  ],
  [
    'a contactAttributes key holds a space',
    withKey('contactAttributes', '{"team name":"sales"}'),
    'contactAttributes',
    '"team name"',
  ],
  [
    'contactAttributes total over 32,768 UTF-8 bytes',
    withKey('contactAttributes', JSON.stringify({ notes: 'é'.repeat(16_400) })),
    'contactAttributes',
    '"32873 bytes"',
  ],
  [
    'customerNumberAttribute holds a space',
    withKey('customerNumberAttribute', 'caller number'),
    'customerNumberAttribute',
    '"caller number"',
  ],
  [
    'systemNumberAttribute is empty',
    withKey('systemNumberAttribute', ''),
    'systemNumberAttribute',
    '""',
  ],
  [
    'customerNumberAttribute names a contactAttributes key',
    {
      ...REQUIRED_CONTEXT,
      contactAttributes: '{"channel":"sms"}',
      customerNumberAttribute: 'channel',
    },
    'customerNumberAttribute',
    '"channel"',
  ],
  [
    'contactAttributes sets the default systemNumberAttribute',
    withKey('contactAttributes', '{"systemPhoneNumber":"+12065550100"}'),
    'systemNumberAttribute',
    '"systemPhoneNumber"',
  ],
  [
    'systemNumberAttribute is the customer number attribute',
    withKey('systemNumberAttribute', 'customerPhoneNumber'),
    'systemNumberAttribute',
    '"customerPhoneNumber"',
  ],
  [
    'customerNumberAttribute is set with includeCustomerNumber false',
    {
      ...REQUIRED_CONTEXT,
      includeCustomerNumber: 'false',
      customerNumberAttribute: 'caller',
    },
    'customerNumberAttribute',
    '"caller"',
  ],
  [
    'includeCustomerNumber is not a boolean',
    withKey('includeCustomerNumber', 'no'),
    'includeCustomerNumber',
    '"no"',
  ],
  [
    'supportedMessagingContentTypes lacks text/plain',
    withKey('supportedMessagingContentTypes', '["text/markdown"]'),
    'supportedMessagingContentTypes',
    '["text/markdown"]',
  ],
  [
    'supportedMessagingContentTypes holds an unknown type',
    withKey('supportedMessagingContentTypes', '["text/plain","text/html"]'),
    'supportedMessagingContentTypes',
    '"text/html"',
  ],
  [
    'streamingEndpointArn is not an SNS topic ARN',
    withKey(
      'streamingEndpointArn',
      'arn:aws:sqs:us-east-1:111122223333:stream'
    ),
    'streamingEndpointArn',
    '"arn:aws:sqs:us-east-1:111122223333:stream"',
  ],
  [
    'streamingEndpointArn is a FIFO topic',
    withKey(
      'streamingEndpointArn',
      'arn:aws:sns:us-east-1:111122223333:stream.fifo'
    ),
    'streamingEndpointArn',
    '"arn:aws:sns:us-east-1:111122223333:stream.fifo"',
  ],
  [
    'inboundTopicArn is not an SNS topic ARN',
    withKey('inboundTopicArn', 'arn:aws:sqs:us-east-1:111122223333:inbound'),
    'inboundTopicArn',
    '"arn:aws:sqs:us-east-1:111122223333:inbound"',
  ],
  [
    'inboundTopicArn is a FIFO topic',
    withKey(
      'inboundTopicArn',
      'arn:aws:sns:us-east-1:111122223333:inbound.fifo'
    ),
    'inboundTopicArn',
    '"arn:aws:sns:us-east-1:111122223333:inbound.fifo"',
  ],
  [
    'deduplicationWindowHours is not a number',
    withKey('deduplicationWindowHours', 'four days'),
    'deduplicationWindowHours',
    '"four days"',
  ],
  [
    'deduplicationWindowHours is negative',
    withKey('deduplicationWindowHours', '-1'),
    'deduplicationWindowHours',
    '"-1"',
  ],
  [
    'deduplicationWindowHours is under an hour',
    withKey('deduplicationWindowHours', '0'),
    'deduplicationWindowHours',
    '0',
  ],
  [
    'deduplicationWindowHours is over 14 days',
    withKey('deduplicationWindowHours', '337'),
    'deduplicationWindowHours',
    '337',
  ],
  [
    'maxConcurrency is not a whole number',
    withKey('maxConcurrency', '2.5'),
    'maxConcurrency',
    '"2.5"',
  ],
  [
    "maxConcurrency is below Lambda's minimum of 2",
    withKey('maxConcurrency', '1'),
    'maxConcurrency',
    '1',
  ],
  [
    'maxReceiveCount is not a number',
    withKey('maxReceiveCount', 'five'),
    'maxReceiveCount',
    '"five"',
  ],
  [
    'alarmEmail is not an email address',
    withKey('alarmEmail', 'ops team'),
    'alarmEmail',
    '"ops team"',
  ],
  [
    "the phone numbers overflow Lambda's 4 KB of environment variables",
    withKey('phoneNumbers', manyNumbers(40)),
    'phoneNumbers',
    /"\d+ bytes"/,
  ],
];

describe('synth with bad configuration', () => {
  it.each(cases)('fails naming the key when %s', (_what, context, key) => {
    // Prepare
    const named = new RegExp(`^${escapeRegExp(key)} `);

    // Act
    const message = synthError(context);

    // Assess
    expect(message).toMatch(named);
  });

  it.each(cases)(
    'fails showing the bad value when %s',
    (_what, context, _key, shown) => {
      // Prepare
      const value =
        typeof shown === 'string' ? escapeRegExp(shown) : shown.source;
      const expected = new RegExp(`, got ${value}$`);

      // Act
      const message = synthError(context);

      // Assess
      expect(message).toMatch(expected);
    }
  );
});
