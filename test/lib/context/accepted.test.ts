import {
  ACCOUNT,
  INSTANCE_ARN,
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
} from '../../support/bridge-app';

const variablesOf = ({
  template,
  bridge,
}: SynthesizedBridge): Record<string, unknown> =>
  (
    propertiesOf(template, bridge.handler).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

const OPTIONAL_SETTINGS = {
  disconnectKeywords: ['STOP', 'BYE'],
  contactAttributes: { channel: 'sms', team: 'Café support' },
  supportedMessagingContentTypes: ['text/plain', 'text/markdown'],
};

describe('synth with good configuration', () => {
  it('accepts connect:WhatsApp as the subtype', () => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, subtype: 'connect:WhatsApp' };

    // Act
    const synthesized = synthBridge(context);

    // Assess
    expect(variablesOf(synthesized).CHAT_SUBTYPE).toBe('connect:WhatsApp');
  });

  it('accepts objects and lists as cdk.json gives them, not as JSON strings', () => {
    // Prepare
    const context = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
      ...OPTIONAL_SETTINGS,
    };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect({
      phoneNumbers: JSON.parse(String(variables.PHONE_NUMBERS)),
      disconnectKeywords: JSON.parse(String(variables.DISCONNECT_KEYWORDS)),
      contactAttributes: JSON.parse(String(variables.CONTACT_ATTRIBUTES)),
      supportedMessagingContentTypes: JSON.parse(
        String(variables.SUPPORTED_CONTENT_TYPES)
      ),
    }).toEqual({
      phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
      ...OPTIONAL_SETTINGS,
    });
  });

  it('gives the function the same settings from JSON strings as from objects', () => {
    // Prepare
    const asObjects = {
      connectInstanceArn: INSTANCE_ARN,
      phoneNumbers: { [NUMBER]: PHONE_NUMBER_ARN },
      ...OPTIONAL_SETTINGS,
    };
    const asStrings = Object.fromEntries(
      Object.entries(asObjects).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : JSON.stringify(value),
      ])
    );

    // Act
    const fromObjects = variablesOf(synthBridge(asObjects));
    const fromStrings = variablesOf(synthBridge(asStrings));

    // Assess
    expect(fromStrings).toEqual(fromObjects);
  });

  it('accepts a disconnect keyword of 30 characters', () => {
    // Prepare
    const keyword = 'K'.repeat(30);
    const context = {
      ...REQUIRED_CONTEXT,
      disconnectKeywords: JSON.stringify([keyword]),
    };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(JSON.parse(String(variables.DISCONNECT_KEYWORDS))).toEqual([
      keyword,
    ]);
  });

  it('accepts a display name of 256 characters', () => {
    // Prepare
    const displayName = 'n'.repeat(256);
    const context = { ...REQUIRED_CONTEXT, displayName };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(variables.DISPLAY_NAME).toBe(displayName);
  });

  it('accepts every content type Connect supports', () => {
    // Prepare
    const contentTypes = [
      'text/plain',
      'text/markdown',
      'application/json',
      'application/vnd.amazonaws.connect.message.interactive',
      'application/vnd.amazonaws.connect.message.interactive.response',
    ];
    const context = {
      ...REQUIRED_CONTEXT,
      supportedMessagingContentTypes: JSON.stringify(contentTypes),
    };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(JSON.parse(String(variables.SUPPORTED_CONTENT_TYPES))).toEqual(
      contentTypes
    );
  });

  it('accepts twenty phone numbers', () => {
    // Prepare
    const numbers = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `+1206555${String(i).padStart(4, '0')}`,
        PHONE_NUMBER_ARN.replace(/[0-9a-f]{4}$/, String(1000 + i)),
      ])
    );
    const context = {
      ...REQUIRED_CONTEXT,
      phoneNumbers: JSON.stringify(numbers),
    };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(JSON.parse(String(variables.PHONE_NUMBERS))).toEqual(numbers);
  });

  it('accepts an instance and numbers in another partition', () => {
    // Prepare
    const context = {
      connectInstanceArn: INSTANCE_ARN.replace(
        'arn:aws:connect:us-east-1',
        'arn:aws-us-gov:connect:us-gov-west-1'
      ),
      phoneNumbers: JSON.stringify({
        [NUMBER]: PHONE_NUMBER_ARN.replace(
          'arn:aws:sms-voice:us-east-1',
          'arn:aws-us-gov:sms-voice:us-gov-west-1'
        ),
      }),
    };

    // Act
    const { stack } = synthBridge(context, { account: ACCOUNT });

    // Assess
    expect(stack.region).toBe('us-gov-west-1');
  });

  it('remembers forwarded messages for 96 hours by default', () => {
    // Prepare
    const context = REQUIRED_CONTEXT;

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(variables.DEDUPLICATION_WINDOW_SECONDS).toBe(String(96 * 3600));
  });

  it.each([
    ['-c deduplicationWindowHours=48', '48', String(48 * 3600)],
    ['a number in cdk.json', 48, String(48 * 3600)],
    ['a fraction of an hour', '1.5', String(1.5 * 3600)],
  ])('takes deduplicationWindowHours from %s', (_how, hours, seconds) => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, deduplicationWindowHours: hours };

    // Act
    const variables = variablesOf(synthBridge(context));

    // Assess
    expect(variables.DEDUPLICATION_WINDOW_SECONDS).toBe(seconds);
  });

  it.each([
    ['-c maxConcurrency=10', '10'],
    ['a number in cdk.json', 10],
  ])('takes maxConcurrency from %s', (_how, value) => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, maxConcurrency: value };

    // Act
    const { template } = synthBridge(context);

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('takes maxReceiveCount from -c maxReceiveCount=8', () => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, maxReceiveCount: '8' };

    // Act
    const { template, stack, bridge } = synthBridge(context);

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(bridge.deadLetterQueue.queueArn),
        maxReceiveCount: 8,
      },
    });
  });

  it('subscribes alarmEmail to the alarm topic', () => {
    // Prepare
    const context = { ...REQUIRED_CONTEXT, alarmEmail: 'ops@example.com' };

    // Act
    const { template, stack } = synthBridge(context);

    // Assess
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: stack.resolve(stack.alarms.topic.topicArn),
    });
  });
});
