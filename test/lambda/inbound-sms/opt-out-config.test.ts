import { loadConfig } from '../../../lambda/inbound-sms/config';
import { loadParticipantConfig } from '../../../lambda/inbound-sms/participant-config';
import { ENV } from '../../../lambda/shared/settings';
import {
  minimalBridgeEnv,
  PHONE_NUMBER_ARNS,
} from '../../support/fixtures/bridge-env';

const CONFIRMATION = 'Acme: you are unsubscribed.\nNo more texts.';
const HELP = 'Acme support: text us your question. Reply STOP to opt out.';

/** What the construct sets when selfManagedOptOuts is true. */
const selfManagedEnv = (): Record<string, string> => ({
  ...minimalBridgeEnv(),
  [ENV.selfManagedOptOuts]: 'true',
  [ENV.optOutListName]: 'Support-OptOuts',
  [ENV.optOutConfirmationText]: CONFIRMATION,
  [ENV.helpKeywords]: JSON.stringify(['HELP', 'INFO']),
  [ENV.helpText]: HELP,
});

describe('loadConfig with self-managed opt-outs', () => {
  it('reads the keyword reply settings', () => {
    // Act
    const { keywordReplies } = loadConfig(selfManagedEnv());

    // Assess
    expect(keywordReplies).toEqual({
      optOutListName: 'Support-OptOuts',
      optOutConfirmationText: CONFIRMATION,
      isHelp: expect.any(Function),
      helpText: HELP,
    });
  });

  it('matches HELP keywords on the whole message by default', () => {
    // Prepare
    const { keywordReplies } = loadConfig(selfManagedEnv());
    const isHelp = keywordReplies?.isHelp ?? (() => undefined);

    // Act
    const matches = ['help', 'Info?', 'Help, my parcel is lost'].map(isHelp);

    // Assess
    expect(matches).toEqual([true, true, false]);
  });

  it('matches HELP keywords by the begins-with rule when opt-outs do', () => {
    // Prepare
    const env = { ...selfManagedEnv(), [ENV.keywordMatch]: 'begins-with' };
    const { keywordReplies } = loadConfig(env);
    const isHelp = keywordReplies?.isHelp ?? (() => undefined);

    // Act
    const matches = ['Info please', 'helpful', 'I need help'].map(isHelp);

    // Assess
    expect(matches).toEqual([true, false, false]);
  });

  it('keeps the texts as written, spaces and new lines included', () => {
    // Prepare
    const env = {
      ...selfManagedEnv(),
      [ENV.helpText]: '  Acme support\n',
    };

    // Act
    const { keywordReplies } = loadConfig(env);

    // Assess
    expect(keywordReplies?.helpText).toBe('  Acme support\n');
  });

  it('counts characters, not UTF-16 units, against the 1600 limit', () => {
    // Prepare
    const env = { ...selfManagedEnv(), [ENV.helpText]: '📦'.repeat(1600) };

    // Act
    const { keywordReplies } = loadConfig(env);

    // Assess
    expect(keywordReplies?.helpText).toHaveLength(3200);
  });

  it.each([
    ['unset', undefined],
    ['false', 'false'],
  ])('has no keyword replies when the switch is %s', (_what, value) => {
    // Prepare
    const env: Record<string, string | undefined> = {
      ...selfManagedEnv(),
      [ENV.selfManagedOptOuts]: value,
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).not.toHaveProperty('keywordReplies');
  });

  it('carries the settings into participant mode', () => {
    // Prepare
    const env = {
      ...selfManagedEnv(),
      CONNECT_INSTANCE_ID: '11111111-2222-3333-4444-555555555555',
      CONTACT_FLOW_IDS: JSON.stringify(
        Object.fromEntries(
          Object.keys(PHONE_NUMBER_ARNS).map((number) => [
            number,
            'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
          ])
        )
      ),
      SESSION_TABLE_NAME: 'sms-connect-bridge-SessionTable',
      CHAT_STREAMING_TOPIC_ARN:
        'arn:aws:sns:us-east-1:111122223333:sms-connect-bridge-Streaming',
      SENT_PART_KEY_PREFIX: 'sms-connect-bridge-OutboundFunction',
      ATTACHMENT_NOTICE: 'No attachments by SMS.',
      UNSUPPORTED_MESSAGE_NOTICE: 'That message cannot be shown by SMS.',
    };

    // Act
    const config = loadParticipantConfig(env);

    // Assess
    expect(config.keywordReplies?.optOutListName).toBe('Support-OptOuts');
  });

  it.each([
    [
      ENV.optOutListName,
      `Environment variable ${ENV.optOutListName} is not set`,
    ],
    [
      ENV.optOutConfirmationText,
      `Environment variable ${ENV.optOutConfirmationText} is not set`,
    ],
    [ENV.helpKeywords, `Environment variable ${ENV.helpKeywords} is not set`],
    [ENV.helpText, `Environment variable ${ENV.helpText} is not set`],
  ])('fails naming %s when it is missing', (name, message) => {
    // Prepare
    const { [name]: _missing, ...env } = selfManagedEnv();

    // Act & Assess
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [
      ENV.selfManagedOptOuts,
      'yes',
      `Environment variable ${ENV.selfManagedOptOuts} must be true or false, got yes`,
    ],
    [
      ENV.optOutListName,
      'Support list',
      `Environment variable ${ENV.optOutListName} must be an opt-out list name (1 to 64 letters, digits, "_" or "-"), got Support list`,
    ],
    [
      ENV.optOutConfirmationText,
      '   ',
      `Environment variable ${ENV.optOutConfirmationText} is not set`,
    ],
    [
      ENV.helpText,
      'h'.repeat(1601),
      `Environment variable ${ENV.helpText} must be at most 1600 characters, got 1601`,
    ],
    [
      ENV.helpKeywords,
      '[]',
      `Environment variable ${ENV.helpKeywords} must list at least one keyword`,
    ],
    [
      ENV.helpKeywords,
      '[" "]',
      `Environment variable ${ENV.helpKeywords} must list at least one keyword`,
    ],
    [
      ENV.helpKeywords,
      'HELP',
      `Environment variable ${ENV.helpKeywords} is not valid JSON: HELP`,
    ],
  ])('fails naming %s when it is %j', (name, value, message) => {
    // Prepare
    const env = { ...selfManagedEnv(), [name]: value };

    // Act & Assess
    expect(() => loadConfig(env)).toThrow(message);
  });
});
