import { Match } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../../lambda/inbound-sms/config';
import {
  ACCOUNT,
  NUMBER,
  PHONE_NUMBER_ARN,
  propertiesOf,
  REQUIRED_CONTEXT,
  type SynthesizedBridge,
  synthBridge,
  templateOf,
} from '../../support/bridge-app';

/** End User Messaging's opt-out keywords, the documented default. */
const OPT_OUT_KEYWORDS = [
  'ARRET',
  'CANCEL',
  'END',
  'OPT-OUT',
  'OPTOUT',
  'QUIT',
  'REMOVE',
  'STOP',
  'TD',
  'UNSUBSCRIBE',
];

const variablesOf = ({
  template,
  bridge,
}: SynthesizedBridge): Record<string, unknown> => {
  const environment = propertiesOf(template, bridge.handler).Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
};

const json = (value: unknown): unknown => JSON.parse(String(value));

/**
 * The environment as the function will see it: values CloudFormation fills
 * in at deploy time (queue URL, table name) stand in as placeholders.
 */
const deployedEnvironment = (
  synthesized: SynthesizedBridge
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variablesOf(synthesized)).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `deployed-${name.toLowerCase()}`,
    ])
  );

describe('the function', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  it('runs on Node.js 22 or newer', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const runtime = String(propertiesOf(template, bridge.handler).Runtime);

    // Assess
    const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
    expect(Number(major)).toBeGreaterThanOrEqual(22);
  });

  it('runs on arm64', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const properties = propertiesOf(template, bridge.handler);

    // Assess
    expect(properties.Architectures).toEqual(['arm64']);
  });

  it('sets its memory and timeout explicitly', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const function_ = templateOf(template, bridge.handler);

    // Assess
    function_.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: Match.anyValue(),
      Timeout: Match.anyValue(),
    });
  });

  it('logs to its own log group', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const function_ = templateOf(template, bridge.handler);

    // Assess
    function_.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: stack.resolve(bridge.logGroup.logGroupName) },
    });
  });

  it('keeps its logs for a month', () => {
    // Prepare
    const { template, bridge } = synthesized;

    // Act
    const properties = propertiesOf(template, bridge.logGroup);

    // Assess
    expect(properties.RetentionInDays).toBe(30);
  });

  it('sends failed direct invocations to the dead-letter queue', () => {
    // Prepare
    const { template, stack, bridge } = synthesized;

    // Act
    const properties = propertiesOf(template, bridge.handler);

    // Assess
    expect(properties.DeadLetterConfig).toEqual({
      TargetArn: stack.resolve(bridge.deadLetterQueue.queueArn),
    });
  });

  it('turns on source maps for stack traces', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const nodeOptions = String(variables.NODE_OPTIONS);

    // Assess
    expect(nodeOptions.split(' ')).toContain('--enable-source-maps');
  });

  it('receives the phone numbers as a JSON object', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const phoneNumbers = json(variables.PHONE_NUMBERS);

    // Assess
    expect(phoneNumbers).toEqual({ [NUMBER]: PHONE_NUMBER_ARN });
  });

  it('receives connect:sms as the default chat subtype', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const subtype = variables.CHAT_SUBTYPE;

    // Assess
    expect(subtype).toBe('connect:sms');
  });

  it("receives End User Messaging's opt-out keywords as the default disconnect keywords", () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const keywords = json(variables.DISCONNECT_KEYWORDS) as string[];

    // Assess
    expect(keywords.toSorted()).toEqual(OPT_OUT_KEYWORDS);
  });

  it('receives whole-message as the default keyword match', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const keywordMatch = variables.KEYWORD_MATCH;

    // Assess
    expect(keywordMatch).toBe('whole-message');
  });

  it('receives no contact attributes by default', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const attributes = json(variables.CONTACT_ATTRIBUTES);

    // Assess
    expect(attributes).toEqual({});
  });

  it('receives the default phone-number attribute names, the customer number included', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const attributes = json(variables.NUMBER_ATTRIBUTES);

    // Assess
    expect(attributes).toEqual({
      customerNumber: 'customerPhoneNumber',
      systemNumber: 'systemPhoneNumber',
    });
  });

  it('receives text/plain as the default supported content type', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const contentTypes = json(variables.SUPPORTED_CONTENT_TYPES);

    // Assess
    expect(contentTypes).toEqual(['text/plain']);
  });

  it("receives the dead-letter queue's URL", () => {
    // Prepare
    const { stack, bridge } = synthesized;
    const variables = variablesOf(synthesized);

    // Act
    const url = variables.DEAD_LETTER_QUEUE_URL;

    // Assess
    expect(url).toEqual(stack.resolve(bridge.deadLetterQueue.queueUrl));
  });

  it("receives the URL of the queue that feeds it, to shorten a failed text's wait", () => {
    // Prepare
    const { stack, bridge } = synthesized;
    const variables = variablesOf(synthesized);

    // Act
    const url = variables.QUEUE_URL;

    // Assess
    expect(url).toEqual(stack.resolve(bridge.queue.queueUrl));
  });

  it('receives no MAX_RECEIVE_COUNT while the queue keeps the default, which the function assumes', () => {
    // Prepare
    const variables = variablesOf(synthesized);

    // Act
    const present = 'MAX_RECEIVE_COUNT' in variables;

    // Assess
    expect(present).toBe(false);
  });

  it.each(['DISPLAY_NAME', 'STREAMING_ENDPOINT_ARN'])(
    'receives no %s when it is not set',
    (name) => {
      // Prepare
      const variables = variablesOf(synthesized);

      // Act
      const present = name in variables;

      // Assess
      expect(present).toBe(false);
    }
  );
});

describe('the function with every optional setting', () => {
  const STREAM_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:chat-stream`;
  let variables: Record<string, unknown>;

  beforeAll(() => {
    const synthesized = synthBridge(
      {
        ...REQUIRED_CONTEXT,
        subtype: 'connect:WhatsApp',
        disconnectKeywords: '["STOP","BYE"]',
        keywordMatch: 'begins-with',
        displayName: 'SMS customer',
        customerNumberAttribute: 'caller',
        systemNumberAttribute: 'smsLine',
        contactAttributes: '{"channel":"sms","team-name":"Café support"}',
        supportedMessagingContentTypes: '["text/plain","text/markdown"]',
        streamingEndpointArn: STREAM_ARN,
        maxReceiveCount: '20',
      },
      { account: ACCOUNT }
    );
    variables = variablesOf(synthesized);
  });

  it.each([
    ['CHAT_SUBTYPE', 'connect:WhatsApp'],
    ['KEYWORD_MATCH', 'begins-with'],
    ['DISPLAY_NAME', 'SMS customer'],
    ['STREAMING_ENDPOINT_ARN', STREAM_ARN],
    ['MAX_RECEIVE_COUNT', '20'],
  ])('receives %s as set', (name, value) => {
    // Prepare
    const expected = value;

    // Act
    const actual = variables[name];

    // Assess
    expect(actual).toBe(expected);
  });

  it.each([
    ['DISCONNECT_KEYWORDS', ['STOP', 'BYE']],
    ['CONTACT_ATTRIBUTES', { channel: 'sms', 'team-name': 'Café support' }],
    [
      'NUMBER_ATTRIBUTES',
      { customerNumber: 'caller', systemNumber: 'smsLine' },
    ],
    ['SUPPORTED_CONTENT_TYPES', ['text/plain', 'text/markdown']],
  ])('receives %s as set, as JSON', (name, value) => {
    // Prepare
    const expected = value;

    // Act
    const actual = json(variables[name]);

    // Assess
    expect(actual).toEqual(expected);
  });
});

describe("the function without the customer's number", () => {
  it('receives a null customer number attribute with includeCustomerNumber=false', () => {
    // Prepare
    const synthesized = synthBridge(
      { ...REQUIRED_CONTEXT, includeCustomerNumber: 'false' },
      { account: ACCOUNT }
    );

    // Act
    const attributes = json(variablesOf(synthesized).NUMBER_ATTRIBUTES);

    // Assess
    expect(attributes).toEqual({
      customerNumber: null,
      systemNumber: 'systemPhoneNumber',
    });
  });
});

describe('the event source mapping', () => {
  let synthesized: SynthesizedBridge;

  beforeAll(() => {
    synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
  });

  const mapping = (properties: Record<string, unknown>) => {
    const { template, stack, bridge } = synthesized;
    return template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: {
        EventSourceArn: stack.resolve(bridge.queue.queueArn),
        FunctionName: stack.resolve(bridge.handler.functionName),
        ...properties,
      },
    });
  };

  it('feeds the queue to the function in batches of ten', () => {
    // Prepare
    const batch = { BatchSize: 10 };

    // Act
    const found = mapping(batch);

    // Assess
    expect(Object.keys(found)).toHaveLength(1);
  });

  it('reports failures per message, so only those are retried', () => {
    // Prepare
    const responses = { FunctionResponseTypes: ['ReportBatchItemFailures'] };

    // Act
    const found = mapping(responses);

    // Assess
    expect(Object.keys(found)).toHaveLength(1);
  });

  it('runs at most two functions at once by default', () => {
    // Prepare
    const scaling = { ScalingConfig: { MaximumConcurrency: 2 } };

    // Act
    const found = mapping(scaling);

    // Assess
    expect(Object.keys(found)).toHaveLength(1);
  });
});

describe("the function's configuration", () => {
  it('loads from the environment the construct sets', () => {
    // Prepare
    const synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
    const env = deployedEnvironment(synthesized);

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toEqual(
      expect.objectContaining({
        phoneNumberArns: new Map([[NUMBER, PHONE_NUMBER_ARN]]),
        subtype: 'connect:sms',
        contactAttributes: {},
        numberAttributes: {
          customerNumber: 'customerPhoneNumber',
          systemNumber: 'systemPhoneNumber',
        },
        supportedContentTypes: ['text/plain'],
      })
    );
  });

  it("loads the number attributes without the customer's number when it is left out", () => {
    // Prepare
    const synthesized = synthBridge(
      {
        ...REQUIRED_CONTEXT,
        includeCustomerNumber: 'false',
        systemNumberAttribute: 'smsLine',
      },
      { account: ACCOUNT }
    );

    // Act
    const { numberAttributes } = loadConfig(deployedEnvironment(synthesized));

    // Assess
    expect(numberAttributes).toEqual({ systemNumber: 'smsLine' });
  });

  it('loads every optional setting the construct passes on', () => {
    // Prepare
    const synthesized = synthBridge(
      {
        ...REQUIRED_CONTEXT,
        displayName: 'SMS customer',
        contactAttributes: '{"channel":"sms"}',
        supportedMessagingContentTypes: '["text/plain","text/markdown"]',
        streamingEndpointArn: `arn:aws:sns:us-east-1:${ACCOUNT}:chat-stream`,
      },
      { account: ACCOUNT }
    );
    const env = deployedEnvironment(synthesized);

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toEqual(
      expect.objectContaining({
        displayName: 'SMS customer',
        contactAttributes: { channel: 'sms' },
        supportedContentTypes: ['text/plain', 'text/markdown'],
        streamingEndpointArn: `arn:aws:sns:us-east-1:${ACCOUNT}:chat-stream`,
      })
    );
  });

  it('treats a text that is a default opt-out keyword alone as a disconnect', () => {
    // Prepare
    const synthesized = synthBridge(REQUIRED_CONTEXT, { account: ACCOUNT });
    const config = loadConfig(deployedEnvironment(synthesized));

    // Act
    const outcomes = ['Stop.', 'unsubscribe me', 'Hello'].map(config.isOptOut);

    // Assess
    expect(outcomes).toEqual([true, false, false]);
  });

  it('treats a text that begins with an opt-out keyword as a disconnect with keywordMatch=begins-with', () => {
    // Prepare
    const synthesized = synthBridge(
      { ...REQUIRED_CONTEXT, keywordMatch: 'begins-with' },
      { account: ACCOUNT }
    );
    const config = loadConfig(deployedEnvironment(synthesized));

    // Act
    const outcomes = ['Stop.', 'unsubscribe me', 'Hello'].map(config.isOptOut);

    // Assess
    expect(outcomes).toEqual([true, true, false]);
  });
});
