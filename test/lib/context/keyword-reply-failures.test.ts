import {
  type Context,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  synthBridge,
  synthError,
} from '../../support/bridge-app';

const SELF_MANAGED: Context = {
  ...REQUIRED_CONTEXT,
  configureTwoWay: 'true',
  selfManagedOptOuts: 'true',
};
const withKey = (key: string, value: unknown): Context => ({
  ...SELF_MANAGED,
  [key]: value,
});
const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sixteen numbers: with two long texts they overflow Lambda's 4 KB. */
const manyNumbers = JSON.stringify(
  Object.fromEntries(
    Array.from({ length: 16 }, (_, i) => [
      `+1206555${String(i).padStart(4, '0')}`,
      PHONE_NUMBER_ARN.replace(/[0-9a-f]{4}$/, String(1000 + i)),
    ])
  )
);

/**
 * Each row: what is wrong, the context, the setting the error must name
 * and the rule it states, and the bad value as JSON after "got".
 */
const cases: [string, Context, string, string][] = [
  [
    'optOutListName holds a space',
    withKey('optOutListName', 'Support list'),
    'optOutListName must be an opt-out list name',
    '"Support list"',
  ],
  [
    'optOutListName is an ARN',
    withKey(
      'optOutListName',
      'arn:aws:sms-voice:us-east-1:111122223333:opt-out-list/Default'
    ),
    'optOutListName must be an opt-out list name',
    '"arn:aws:sms-voice:us-east-1:111122223333:opt-out-list/Default"',
  ],
  [
    'optOutListName is over 64 characters',
    withKey('optOutListName', 'L'.repeat(65)),
    'optOutListName must be an opt-out list name',
    `"${'L'.repeat(65)}"`,
  ],
  [
    'optOutListName is empty',
    withKey('optOutListName', ''),
    'optOutListName must be an opt-out list name',
    '""',
  ],
  [
    'optOutListName is not a string',
    withKey('optOutListName', 7),
    'optOutListName must be a string',
    '7',
  ],
  [
    'optOutConfirmationText is empty',
    withKey('optOutConfirmationText', ''),
    'optOutConfirmationText must be 1 to 1600 characters and not blank',
    '""',
  ],
  [
    'optOutConfirmationText is only spaces',
    withKey('optOutConfirmationText', '   '),
    'optOutConfirmationText must be 1 to 1600 characters and not blank',
    '"   "',
  ],
  [
    'optOutConfirmationText is over 1600 characters',
    withKey('optOutConfirmationText', 'x'.repeat(1601)),
    'optOutConfirmationText must be 1 to 1600 characters and not blank',
    `"${'x'.repeat(1601)}"`,
  ],
  [
    'helpText is over 1600 characters',
    withKey('helpText', '😀'.repeat(1601)),
    'helpText must be 1 to 1600 characters and not blank',
    `"${'😀'.repeat(1601)}"`,
  ],
  [
    'helpText is empty',
    withKey('helpText', ''),
    'helpText must be 1 to 1600 characters and not blank',
    '""',
  ],
  [
    'helpKeywords is empty',
    withKey('helpKeywords', '[]'),
    'helpKeywords must list at least one keyword',
    '[]',
  ],
  [
    'helpKeywords is not a list',
    withKey('helpKeywords', '"HELP"'),
    'helpKeywords must be a list of strings',
    '"HELP"',
  ],
  [
    'a helpKeywords entry starts with a space',
    withKey('helpKeywords', '[" HELP"]'),
    'helpKeywords entries must be 1 to 30 characters',
    '" HELP"',
  ],
  [
    'a helpKeywords entry is over 30 characters',
    withKey('helpKeywords', JSON.stringify(['H'.repeat(31)])),
    'helpKeywords entries must be 1 to 30 characters',
    `"${'H'.repeat(31)}"`,
  ],
  [
    'a helpKeywords entry is also an opt-out keyword',
    withKey('helpKeywords', '["HELP","stop"]'),
    'helpKeywords must not repeat a disconnectKeywords entry',
    '"stop"',
  ],
  [
    'optOutListName holds a space without selfManagedOptOuts (the sweep reads it)',
    { ...REQUIRED_CONTEXT, optOutListName: 'Support list' },
    'optOutListName must be an opt-out list name',
    '"Support list"',
  ],
  [
    'helpText is set while selfManagedOptOuts is false',
    {
      ...REQUIRED_CONTEXT,
      configureTwoWay: 'true',
      selfManagedOptOuts: 'false',
      helpText: 'Text us',
    },
    'helpText needs selfManagedOptOuts=true',
    '"Text us"',
  ],
  [
    'helpKeywords is set without selfManagedOptOuts',
    { ...REQUIRED_CONTEXT, helpKeywords: '["INFO"]' },
    'helpKeywords needs selfManagedOptOuts=true',
    '["INFO"]',
  ],
  [
    'optOutConfirmationText is set without selfManagedOptOuts',
    { ...REQUIRED_CONTEXT, optOutConfirmationText: 'Bye' },
    'optOutConfirmationText needs selfManagedOptOuts=true',
    '"Bye"',
  ],
];

describe('synth with bad keyword reply settings', () => {
  it.each(cases)(
    'fails naming the key and its rule when %s',
    (_what, context, rule) => {
      // Act
      const message = synthError(context);

      // Assess
      expect(message).toMatch(new RegExp(`^${escapeRegExp(rule)}`));
    }
  );

  it.each(cases)(
    'fails showing the bad value when %s',
    (_what, context, _rule, shown) => {
      // Act
      const message = synthError(context);

      // Assess
      expect(message).toMatch(new RegExp(`, got ${escapeRegExp(shown)}$`));
    }
  );

  it('fails naming the texts when they overflow the environment', () => {
    // Act
    const message = synthError({
      ...SELF_MANAGED,
      phoneNumbers: manyNumbers,
      optOutConfirmationText: 'o'.repeat(1600),
      helpText: 'h'.repeat(1600),
    });

    // Assess
    expect(message).toMatch(
      /^phoneNumbers, contactAttributes, optOutConfirmationText and helpText must fit in Lambda's 4096 bytes of environment variables, got "\d+ bytes"$/
    );
  });
});

describe('synth with keyword reply settings at their limits', () => {
  it.each([
    [
      'an optOutListName of 64 characters',
      'optOutListName',
      'OPT_OUT_LIST_NAME',
      `${'A_b-9'.repeat(12)}Zz_-`,
    ],
    [
      'a helpText of 1600 characters',
      'helpText',
      'HELP_TEXT',
      'Call 555-0100. '.repeat(100).slice(0, 1600),
    ],
    [
      'an optOutConfirmationText of one character',
      'optOutConfirmationText',
      'OPT_OUT_CONFIRMATION_TEXT',
      'K',
    ],
  ])('accepts %s', (_what, key, variable, value) => {
    // Act
    const { template, bridge } = synthBridge(withKey(key, value));

    // Assess
    expect(propertiesOf(template, bridge.handler)).toMatchObject({
      Environment: { Variables: { [variable]: value } },
    });
  });
});
