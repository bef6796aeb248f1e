/**
 * `npm run demo`: the bridge end to end on this machine, with no AWS
 * account. `cdk synth` builds the stack and bundles the Lambda; the bundle
 * then handles a few inbound SMS against local Amazon Connect, SQS and
 * DynamoDB endpoints on 127.0.0.1, and this prints what reached each one.
 * Exits non-zero when anything differs from what the bridge should do.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  inboundSms,
  smsRecord,
  sqsEvent,
  sqsRecord,
} from '../tools/harness/events';
import {
  type LocalBridge,
  startLocalBridge,
} from '../tools/harness/local-bridge';
import { readInboundFunction } from '../tools/harness/synth';

const ROOT = path.join(__dirname, '..');

// Fictitious: 555-01xx numbers and the documentation account.
const CONNECT_INSTANCE_ARN =
  'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
const CONTACT_CENTRE = '+12065550100';
const CONTACT_CENTRE_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';
const ALICE = '+12065550123';
const BRUNO = '+14255550187';

const CONTEXT: Record<string, string> = {
  connectInstanceArn: CONNECT_INSTANCE_ARN,
  phoneNumbers: JSON.stringify({ [CONTACT_CENTRE]: CONTACT_CENTRE_ARN }),
  contactAttributes: JSON.stringify({ channel: 'sms', source: 'demo' }),
};

const style = (code: string) => (text: string) =>
  process.stdout.isTTY ? `\u001b[${code}m${text}\u001b[0m` : text;
const bold = style('1');
const dim = style('2');

const print = (text = '') => {
  process.stdout.write(`${text}\n`);
};
const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

const problems: string[] = [];
/** The demo's numbers and texts, which the bundle must never log. */
const privateData: string[] = [ALICE, BRUNO, CONTACT_CENTRE];
const verify = (condition: boolean, what: string) => {
  if (!condition) problems.push(what);
};

/** Runs the real CDK CLI, offline, into a folder of its own. */
const cdkSynth = (outdir: string): void => {
  const args = [
    'cdk',
    'synth',
    '--no-notices',
    '-q',
    '-o',
    outdir,
    ...Object.entries(CONTEXT).flatMap(([key, value]) => [
      '-c',
      `${key}=${value}`,
    ]),
  ];
  print(bold('1. Synthesize the stack and bundle the Lambda'));
  print(
    dim(`   npx ${args.map((a) => (/[{"]/.test(a) ? `'${a}'` : a)).join(' ')}`)
  );
  const started = Date.now();
  const result = spawnSync('npx', args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: offlineEnvironment(),
  });
  if (result.status !== 0) {
    print(result.stdout);
    print(result.stderr);
    throw new Error(`cdk synth failed (exit ${result.status})`);
  }
  print(dim(`   done in ${((Date.now() - started) / 1000).toFixed(1)} s`));
};

/** No credentials, profile or instance metadata: the CLI stays offline. */
const offlineEnvironment = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'sms-connect-bridge-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(
      tmpdir(),
      'sms-connect-bridge-no-aws-config'
    ),
  };
  for (const name of [
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ]) {
    delete env[name];
  }
  return env;
};

interface Step {
  readonly title: string;
  readonly event: SQSEvent;
  /** What the step must produce; each failed check is reported. */
  readonly check: (seen: Seen) => void;
}

interface Seen {
  readonly response: SQSBatchResponse;
  readonly connect: {
    status: number;
    request: Record<string, unknown>;
    reply: unknown;
  }[];
  readonly deadLetters: { body: string; attributes: Record<string, string> }[];
}

/** Runs one step and prints what reached each endpoint. */
const runStep = async (
  bridge: LocalBridge,
  number: number,
  step: Step
): Promise<void> => {
  const before = {
    connect: bridge.connect.exchanges.length,
    deadLetters: bridge.deadLetters().length,
    logs: bridge.logs.length,
  };
  const response = await bridge.invoke(step.event);
  const seen: Seen = {
    response,
    connect: bridge.connect.exchanges
      .slice(before.connect)
      .map(({ request, reply }) => ({
        status: 'status' in reply ? reply.status : 0,
        request: request.json as Record<string, unknown>,
        reply: 'body' in reply ? reply.body : undefined,
      })),
    deadLetters: bridge
      .deadLetters()
      .slice(before.deadLetters)
      .map(({ Body, MessageAttributes }) => ({
        body: Body,
        attributes: Object.fromEntries(
          Object.entries(MessageAttributes).map(([name, value]) => [
            name,
            value.StringValue ?? '',
          ])
        ),
      })),
  };

  print();
  print(bold(`${number}. ${step.title}`));
  print(`   SQS batch in: ${step.event.Records.length} record(s)`);
  if (seen.connect.length === 0) print('   Amazon Connect: no call');
  for (const call of seen.connect) {
    print('   Amazon Connect  POST /chat-integration-event');
    for (const [member, value] of Object.entries(call.request)) {
      print(`     │ ${member}: ${JSON.stringify(value)}`);
    }
    print(`     └ ${call.status} ${JSON.stringify(call.reply)}`);
  }
  for (const letter of seen.deadLetters) {
    print('   SQS dead-letter queue  SendMessage');
    for (const [name, value] of Object.entries(letter.attributes)) {
      print(`     │ ${name} = ${value}`);
    }
    print(
      `     └ body (${letter.body.length} characters, kept for a redrive):`
    );
    print(indent(letter.body, '         '));
  }
  for (const { line } of bridge.logs.slice(before.logs)) {
    print(dim(`   bundle log  ${summarizeLog(line)}`));
  }
  print(`   batch response: ${JSON.stringify(response)}`);
  step.check(seen);
};

/** One line for each of the bundle's JSON log lines. */
const summarizeLog = (line: string): string => {
  let log: Record<string, unknown>;
  try {
    log = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof log._aws === 'object') {
    const metrics = Object.entries(log).filter(
      ([key, value]) => typeof value === 'number' && key !== '_aws'
    );
    return `metrics  ${metrics.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  }
  const fields = [
    'inboundMessageId',
    'outcome',
    'eventType',
    'newChatCreated',
    'initialContactId',
    'reason',
    'detail',
  ]
    .filter((key) => log[key] !== undefined)
    .map((key) => `${key}=${JSON.stringify(log[key])}`);
  const message = String(log.message);
  const short = message.length > 90 ? `${message.slice(0, 87)}...` : message;
  return `${log.level} ${short}  ${fields.join(' ')}`;
};

const main = async (): Promise<void> => {
  // The function runs on Node 24 in Lambda; this warns about the local Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-demo-'));
  let bridge: LocalBridge | undefined;
  try {
    cdkSynth(outdir);
    const fn = readInboundFunction(outdir);
    print(
      dim(`   bundle: ${path.relative(outdir, fn.entry)} (${fn.handlerName})`)
    );
    bridge = await startLocalBridge({ fn, logs: { forward: false } });
    print();
    print(bold('2. Local endpoints on 127.0.0.1'));
    print(`   Amazon Connect  ${bridge.connect.url}`);
    print(
      `   Amazon SQS      ${bridge.sqs.url}  (dead-letter queue ${bridge.deadLetterQueueUrl})`
    );
    print(
      `   DynamoDB        ${bridge.dynamoDbUrl}  (dynalite, table ${bridge.tableName})`
    );
    await runScenario(bridge);
    await printIdempotencyRecords(bridge);
    checkLogs(bridge);
    verify(
      bridge.otherServices.requests.length === 0,
      'the bundle called an AWS service other than Connect, SQS or DynamoDB'
    );
  } finally {
    await bridge?.close();
    rmSync(outdir, { recursive: true, force: true });
  }
};

const runScenario = async (bridge: LocalBridge): Promise<void> => {
  const aliceHello = inboundSms({
    originationNumber: ALICE,
    destinationNumber: CONTACT_CENTRE,
    messageBody: 'Hi, my parcel 4471 has not arrived yet. Can you help?',
  });
  const brunoEmoji = inboundSms({
    originationNumber: BRUNO,
    destinationNumber: CONTACT_CENTRE,
    messageBody: 'Bonjour 👋 ma facture est fausse 😕\nMerci de me rappeler 🙏',
  });
  const aliceAgain = inboundSms({
    originationNumber: ALICE,
    destinationNumber: CONTACT_CENTRE,
    messageBody: 'It was due on Monday.',
  });
  const aliceStop = inboundSms({
    originationNumber: ALICE,
    destinationNumber: CONTACT_CENTRE,
    messageBody: 'STOP',
  });
  privateData.push(
    ...[aliceHello, brunoEmoji, aliceAgain].map(
      ({ messageBody }) => messageBody
    )
  );
  const brunoDelivery = smsRecord(brunoEmoji);
  const noAnswer = (seen: Seen) =>
    verify(
      seen.response.batchItemFailures.length === 0,
      'a record was left for redelivery'
    );
  let aliceChat: unknown;

  const steps: Step[] = [
    {
      title: 'Alice texts the contact centre: a new chat starts',
      event: sqsEvent(smsRecord(aliceHello)),
      check: (seen) => {
        noAnswer(seen);
        const [call] = seen.connect;
        aliceChat = (call?.reply as { InitialContactId?: string })
          ?.InitialContactId;
        verify(
          call?.request.NewSessionDetails !== undefined &&
            (call.reply as { NewChatCreated?: boolean }).NewChatCreated ===
              true,
          "Alice's first text did not start a chat"
        );
      },
    },
    {
      title: 'Bruno texts with emoji, accents and a new line',
      event: sqsEvent(brunoDelivery),
      check: (seen) => {
        noAnswer(seen);
        const event = seen.connect[0]?.request.Event as
          | { Content?: string }
          | undefined;
        verify(
          event?.Content === brunoEmoji.messageBody,
          "Bruno's text did not reach Connect exactly as sent"
        );
      },
    },
    {
      title: 'Alice texts again: the same chat',
      event: sqsEvent(smsRecord(aliceAgain)),
      check: (seen) => {
        noAnswer(seen);
        const reply = seen.connect[0]?.reply as
          | { InitialContactId?: string; NewChatCreated?: boolean }
          | undefined;
        verify(
          reply?.NewChatCreated === false &&
            reply.InitialContactId === aliceChat,
          "Alice's second text did not join her chat"
        );
      },
    },
    {
      title: 'Alice texts STOP: her chat is disconnected',
      event: sqsEvent(smsRecord(aliceStop)),
      check: (seen) => {
        noAnswer(seen);
        verify(
          (seen.connect[0]?.request.Event as { Type?: string })?.Type ===
            'DISCONNECT',
          'STOP did not disconnect the chat'
        );
      },
    },
    {
      title: 'A payload that is not an inbound SMS',
      event: sqsEvent(
        smsRecord({
          originationNumber: 'unknown',
          destinationNumber: CONTACT_CENTRE,
          messageBody: 42,
        })
      ),
      check: (seen) => {
        noAnswer(seen);
        verify(seen.connect.length === 0, 'a bad payload reached Connect');
        verify(
          seen.deadLetters[0]?.attributes.failureReason === 'invalid-payload',
          'the bad payload is not in the dead-letter queue with its reason'
        );
      },
    },
    {
      title: "SNS delivers Bruno's text a second time",
      event: sqsEvent(
        sqsRecord(brunoDelivery.body, {
          messageId: brunoDelivery.messageId,
          receiveCount: 2,
        })
      ),
      check: (seen) => {
        noAnswer(seen);
        verify(seen.connect.length === 0, 'the duplicate reached Connect');
      },
    },
  ];
  for (const [index, step] of steps.entries()) {
    await runStep(bridge, index + 3, step);
  }
  verify(
    bridge.connect.accepted().length === 4,
    'Connect did not accept exactly the four texts'
  );
};

/** The bundle's own log lines must hold no number and no body. */
const checkLogs = (bridge: LocalBridge): void => {
  const leaks = bridge.logs.filter(({ line }) =>
    privateData.some(
      (value) =>
        line.includes(value) ||
        line.includes(JSON.stringify(value).slice(1, -1))
    )
  );
  print();
  print(bold('10. Privacy of the bundle logs'));
  print(
    `   ${bridge.logs.length} lines logged; ${leaks.length} hold a phone number or a message body`
  );
  verify(leaks.length === 0, 'the bundle logged personal data');
};

/** What the idempotency table remembers: ids and status, no content. */
const printIdempotencyRecords = async (bridge: LocalBridge): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint: bridge.dynamoDbUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Items = [] } = await client.send(
      new ScanCommand({ TableName: bridge.tableName })
    );
    print();
    print(bold('9. DynamoDB idempotency records (one per forwarded SMS)'));
    for (const item of Items) {
      print(`   ${item.id?.S}  ${item.status?.S}`);
    }
    verify(Items.length === 4, 'the table does not hold one record per text');
  } finally {
    client.destroy();
  }
};

main()
  .then(() => {
    print();
    if (problems.length === 0) {
      print(bold('Demo finished: every step did what the bridge should do.'));
      process.exit(0);
    }
    for (const problem of problems) print(`UNEXPECTED: ${problem}`);
    process.exit(1);
  })
  .catch((error: unknown) => {
    print(`Demo failed: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  });
