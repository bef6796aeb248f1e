import { createServer } from 'node:http';
import { text } from 'node:stream/consumers';
import { parseInboundSms } from '../../lambda/inbound-sms/payload';
import { sendTestSms, USAGE } from '../../scripts/send-test-sms';
import {
  endpointVariables,
  sandboxedAws,
  setEnvironment,
} from '../../tools/harness/sandbox';
import {
  type LoopbackServer,
  serveOnLoopback,
} from '../../tools/local-aws/endpoint';

const TOPIC =
  'arn:aws:sns:us-east-1:111122223333:SmsConnectBridge-InboundTopic-ABC';
const TO = '+12065550100';
const FROM = '+14255550182';
const REQUIRED = ['--to', TO, '--from', FROM];

// CloudFormation and SNS speak the query protocol: form-encoded requests, XML replies.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
const stackXml = (outputs: Record<string, string>) =>
  `<DescribeStacksResponse><DescribeStacksResult><Stacks><member><Outputs>${Object.entries(
    outputs
  )
    .map(
      ([key, value]) =>
        `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`
    )
    .join(
      ''
    )}</Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`;
const NO_STACK = `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id Other does not exist</Message></Error></ErrorResponse>`;
const PUBLISHED = `<PublishResponse><PublishResult><MessageId>sns-1</MessageId></PublishResult></PublishResponse>`;

let aws: LoopbackServer;
let restoreEnvironment: () => void;
let requests: { params: URLSearchParams; authorization: string }[];
let stack: { status: number; xml: string };
let printed: { log: string; error: string };

beforeEach(async () => {
  requests = [];
  stack = { status: 200, xml: stackXml({ InboundTopicArn: TOPIC }) };
  aws = await serveOnLoopback(
    createServer(async (req, res) => {
      const params = new URLSearchParams(await text(req));
      requests.push({
        params,
        authorization: String(req.headers.authorization),
      });
      const describe = params.get('Action') === 'DescribeStacks';
      res.writeHead(describe ? stack.status : 200, {
        'content-type': 'text/xml',
      });
      res.end(describe ? stack.xml : PUBLISHED);
    })
  );
  restoreEnvironment = setEnvironment(
    { ...sandboxedAws('us-east-1', 'none'), ...endpointVariables(aws.url, {}) },
    process.env
  );
  printed = { log: '', error: '' };
  for (const stream of ['log', 'error'] as const) {
    jest.spyOn(console, stream).mockImplementation((...line: unknown[]) => {
      printed[stream] += `${line.join(' ')}\n`;
    });
  }
});

afterEach(async () => {
  jest.restoreAllMocks();
  restoreEnvironment();
  await aws.close();
});

const published = () => {
  const publish = requests.find((r) => r.params.get('Action') === 'Publish');
  return publish?.params;
};

describe('send-test-sms command line', () => {
  it('answers --help with the usage only', async () => {
    // Prepare, Act
    const code = await sendTestSms(['--help']);

    // Assess
    expect({ code, printed, requests }).toEqual({
      code: 0,
      printed: { log: `${USAGE}\n`, error: '' },
      requests: [],
    });
  });

  it.each([
    ['--to', ['--from', FROM, '--body', 'Hi'], '--to is required'],
    ['--from', ['--to', TO, '--body', 'Hi'], '--from is required'],
    ['--body', REQUIRED, '--body is required'],
  ])(
    'reports a missing %s with the usage, exit code 2',
    async (_flag, argv, message) => {
      // Prepare, Act
      const code = await sendTestSms(argv);

      // Assess
      expect({ code, error: printed.error, requests }).toEqual({
        code: 2,
        error: `${message}\n\n${USAGE}\n`,
        requests: [],
      });
    }
  );

  it('rejects a number that is not E.164 without echoing it', async () => {
    // Prepare
    const argv = ['--to', TO, '--from', '425 555 0182', '--body', 'Hi'];

    // Act
    const code = await sendTestSms(argv);

    // Assess
    expect(code).toBe(2);
    expect(printed.error).toMatch(
      /^--from must be an E\.164 number: \+, country code, number, no spaces\n/
    );
    expect(printed.error).not.toContain('555 0182');
  });

  it.each([
    ['of only spaces', '   '],
    ['longer than 1600 characters', 'x'.repeat(1601)],
  ])('rejects a body %s', async (_, body) => {
    // Prepare, Act
    const code = await sendTestSms([...REQUIRED, '--body', body]);

    // Assess
    expect(code).toBe(2);
    expect(printed.error).toMatch(/^--body must hold 1 to 1600 characters/);
  });

  it('rejects an empty --stack', async () => {
    // Prepare, Act
    const code = await sendTestSms([...REQUIRED, '--body=Hi', '--stack=']);

    // Assess
    expect(code).toBe(2);
    expect(printed.error).toMatch(/^--stack must not be empty\n/);
  });

  it.each([
    ['an unknown option', ['--keyword', 'JOIN'], "'--keyword'"],
    ['a stray argument', ['there'], "'there'"],
  ])('rejects %s', async (_, extra, named) => {
    // Prepare, Act
    const code = await sendTestSms([...REQUIRED, '--body', 'Hi', ...extra]);

    // Assess
    expect(code).toBe(2);
    expect(printed.error.split('\n')[0]).toContain(named);
  });
});

describe('send-test-sms publishing', () => {
  it("publishes End User Messaging's payload to the stack's InboundTopicArn", async () => {
    // Prepare, Act
    const code = await sendTestSms([
      ...REQUIRED,
      '--body',
      'Where is my order?',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(requests[0]?.params.get('StackName')).toBe('SmsConnectBridge');
    expect(published()?.get('TopicArn')).toBe(TOPIC);
    expect(JSON.parse(String(published()?.get('Message')))).toEqual({
      originationNumber: FROM,
      destinationNumber: TO,
      messageKeyword: 'keyword_111122223333',
      messageBody: 'Where is my order?',
      inboundMessageId: expect.stringMatching(/^[\da-f-]{36}$/),
    });
  });

  it("publishes a payload the bridge's own parser accepts", async () => {
    // Prepare, Act
    await sendTestSms([...REQUIRED, '--body', 'Hi']);

    // Assess
    const parsed = parseInboundSms(String(published()?.get('Message')));
    expect(parsed.ok).toBe(true);
  });

  it('asks the stack and the region given', async () => {
    // Prepare
    const argv = ['--stack', 'MyBridge', '--region', 'eu-west-2'];

    // Act
    await sendTestSms([...REQUIRED, '--body', 'Hi', ...argv]);

    // Assess
    expect(requests[0]?.params.get('StackName')).toBe('MyBridge');
    expect(requests[0]?.authorization).toContain('/eu-west-2/cloudformation/');
  });

  it('prints the numbers masked to their last four digits', async () => {
    // Prepare, Act
    await sendTestSms([...REQUIRED, '--body', 'Hi']);

    // Assess
    expect(printed.log).toContain('from ********0182 to ********0100');
    expect(printed.log).not.toMatch(/\+1425|\+1206/);
  });

  it('names the stack when it has no InboundTopicArn output, exit code 1', async () => {
    // Prepare
    stack = {
      status: 200,
      xml: stackXml({ QueueUrl: 'https://sqs.example/q' }),
    };

    // Act
    const code = await sendTestSms([...REQUIRED, '--body=Hi', '--stack=Other']);

    // Assess
    expect(code).toBe(1);
    expect(printed.error).toContain(
      'Stack Other has no output InboundTopicArn'
    );
    expect(published()).toBeUndefined();
  });

  it("reports CloudFormation's error, exit code 1", async () => {
    // Prepare
    stack = { status: 400, xml: NO_STACK };

    // Act
    const code = await sendTestSms([...REQUIRED, '--body=Hi', '--stack=Other']);

    // Assess
    expect(code).toBe(1);
    expect(printed.error).toMatch(
      /^send-test-sms failed: ValidationError: Stack with id Other does not exist/
    );
  });
});
