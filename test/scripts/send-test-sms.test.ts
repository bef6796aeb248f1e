import { parseInboundSms } from '../../lambda/inbound-sms/payload';
import {
  buildInboundSmsPayload,
  inboundTopicArnFrom,
  parseTestSmsArgs,
  UsageError,
} from '../../scripts/send-test-sms';

const TOPIC =
  'arn:aws:sns:us-east-1:111122223333:SmsConnectBridge-InboundTopic-ABC';
const REQUIRED = ['--to', '+12065550100', '--from', '+14255550182'];

const optionsOf = (argv: string[]) => {
  const options = parseTestSmsArgs(argv);
  if (options === undefined) throw new Error('expected options, got --help');
  return options;
};

const usageErrorOf = (argv: string[]): UsageError => {
  try {
    parseTestSmsArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('send-test-sms arguments', () => {
  it('reads the numbers and the body, with the default stack', () => {
    // Prepare
    const argv = [...REQUIRED, '--body', 'Hello there'];

    // Act
    const options = optionsOf(argv);

    // Assess
    expect(options).toEqual({
      to: '+12065550100',
      from: '+14255550182',
      body: 'Hello there',
      stack: 'SmsConnectBridge',
    });
  });

  it('takes the stack, region and keyword when given', () => {
    // Prepare
    const argv = [
      ...REQUIRED,
      '--body=Hi',
      '--stack',
      'MyBridge',
      '--region',
      'eu-west-2',
      '--keyword',
      'JOIN',
    ];

    // Act
    const options = optionsOf(argv);

    // Assess
    expect(options).toMatchObject({
      body: 'Hi',
      stack: 'MyBridge',
      region: 'eu-west-2',
      keyword: 'JOIN',
    });
  });

  it('answers --help with the usage only', () => {
    // Prepare, Act
    const parsed = parseTestSmsArgs(['--help']);

    // Assess
    expect(parsed).toBeUndefined();
  });

  it.each([
    ['--to', ['--from', '+14255550182', '--body', 'Hi'], '--to is required'],
    ['--from', ['--to', '+12065550100', '--body', 'Hi'], '--from is required'],
    ['--body', REQUIRED, '--body is required'],
  ])('reports a missing %s', (_flag, argv, message) => {
    // Prepare, Act
    const error = usageErrorOf(argv);

    // Assess
    expect(error.message).toBe(message);
  });

  it('rejects a number that is not E.164 without echoing it', () => {
    // Prepare
    const argv = ['--to', '+12065550100', '--from', '425 555 0182'];

    // Act
    const error = usageErrorOf([...argv, '--body', 'Hi']);

    // Assess
    expect(error.message).toBe(
      '--from must be an E.164 number: +, country code, number, no spaces'
    );
  });

  it('rejects a body of only spaces', () => {
    // Prepare, Act
    const error = usageErrorOf([...REQUIRED, '--body', '   ']);

    // Assess
    expect(error.message).toMatch(/^--body must hold 1 to 1600 characters/);
  });

  it('rejects a body longer than 1600 characters', () => {
    // Prepare, Act
    const error = usageErrorOf([...REQUIRED, '--body', 'x'.repeat(1601)]);

    // Assess
    expect(error.message).toMatch(/^--body must hold 1 to 1600 characters/);
  });

  it('rejects an unknown option', () => {
    // Prepare, Act
    const error = usageErrorOf([...REQUIRED, '--body', 'Hi', '--topic', 'x']);

    // Assess
    expect(error.message).toContain("'--topic'");
  });

  it('rejects a stray argument', () => {
    // Prepare, Act
    const error = usageErrorOf([...REQUIRED, '--body', 'Hi', 'there']);

    // Assess
    expect(error.message).toContain("'there'");
  });
});

describe('send-test-sms payload', () => {
  it("has End User Messaging's fields, without previousPublishedMessageId", () => {
    // Prepare
    const options = { to: '+12065550100', from: '+14255550182', body: 'Hi' };

    // Act
    const payload = buildInboundSmsPayload(options, {
      inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
      topicArn: TOPIC,
    });

    // Assess
    expect(JSON.parse(JSON.stringify(payload))).toEqual({
      originationNumber: '+14255550182',
      destinationNumber: '+12065550100',
      messageKeyword: 'keyword_111122223333',
      messageBody: 'Hi',
      inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
    });
  });

  it('uses the keyword given instead of the account default', () => {
    // Prepare
    const options = {
      to: '+12065550100',
      from: '+14255550182',
      body: 'JOIN now',
      keyword: 'JOIN',
    };

    // Act
    const payload = buildInboundSmsPayload(options, {
      inboundMessageId: 'id-1',
      topicArn: TOPIC,
    });

    // Assess
    expect(payload.messageKeyword).toBe('JOIN');
  });

  it("is accepted by the bridge's own payload parser", () => {
    // Prepare
    const payload = buildInboundSmsPayload(
      { to: '+12065550100', from: '+14255550182', body: 'Where is my order?' },
      {
        inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
        topicArn: TOPIC,
      }
    );

    // Act
    const parsed = parseInboundSms(JSON.stringify(payload));

    // Assess
    expect(parsed).toMatchObject({ ok: true, sms: payload });
  });
});

describe('send-test-sms stack outputs', () => {
  it('finds the inbound topic among the outputs', () => {
    // Prepare
    const outputs = [
      { OutputKey: 'QueueUrl', OutputValue: 'https://sqs.example/q' },
      { OutputKey: 'InboundTopicArn', OutputValue: TOPIC },
    ];

    // Act
    const arn = inboundTopicArnFrom('SmsConnectBridge', outputs);

    // Assess
    expect(arn).toBe(TOPIC);
  });

  it('names the stack when the output is missing', () => {
    // Prepare, Act & Assess
    expect(() => inboundTopicArnFrom('Other', [])).toThrow(
      'Stack Other has no output InboundTopicArn'
    );
  });
});
