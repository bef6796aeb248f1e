/**
 * `npm run demo`: the bridge end to end on this machine, with no AWS
 * account. `cdk synth` builds the stack and bundles the Lambda functions;
 * the bundles then handle a few SMS against local AWS endpoints on
 * 127.0.0.1, and this prints what reached each one. `--mode participant`
 * runs participant mode, agent replies included. Exits non-zero when
 * anything differs from what the bridge should do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { localDynamoDbClient } from '../tools/harness/dynalite';
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
import {
  ALICE,
  BRUNO,
  bold,
  CONTACT_CENTRE,
  cdkSynth,
  demoContext,
  dim,
  finish,
  indent,
  linesHolding,
  print,
  summarizeLog,
  verify,
} from './lib/demo-output';
import { runParticipantDemo } from './lib/demo-participant';
import { runSweepStep } from './lib/demo-sweep';

const USAGE = `Usage: npm run demo [-- --mode integration-event|participant]

  --mode integration-event  (default) texts reach Connect as chat
                            integration events
  --mode participant        texts open chats with Connect's public chat
                            APIs, and agent replies go back by SMS`;

const CONTEXT = demoContext();

/** The demo's numbers and texts, which the bundle must never log. */
const privateData: string[] = [ALICE, BRUNO, CONTACT_CENTRE];

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

/** The integration-event run: inbound texts as chat integration events. */
const runIntegrationEventDemo = async (outdir: string): Promise<void> => {
  let bridge: LocalBridge | undefined;
  try {
    cdkSynth(CONTEXT, outdir);
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
    const sweepLogs = await runSweepStep(bridge, outdir, 9);
    await printIdempotencyRecords(bridge);
    checkLogs(bridge, sweepLogs);
    verify(
      bridge.otherServices.requests.length === 0,
      'the bundle called an AWS service other than Connect, SQS or DynamoDB'
    );
  } finally {
    await bridge?.close();
  }
};

const runScenario = async (bridge: LocalBridge): Promise<void> => {
  const textFrom = (originationNumber: string, messageBody: string) =>
    inboundSms({
      originationNumber,
      destinationNumber: CONTACT_CENTRE,
      messageBody,
    });
  const aliceHello = textFrom(
    ALICE,
    'Hi, my parcel 4471 has not arrived yet. Can you help?'
  );
  const brunoEmoji = textFrom(
    BRUNO,
    'Bonjour 👋 ma facture est fausse 😕\nMerci de me rappeler 🙏'
  );
  const aliceAgain = textFrom(ALICE, 'It was due on Monday.');
  const aliceStop = textFrom(ALICE, 'STOP');
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

/** The bundles' own log lines must hold no number and no body. */
const checkLogs = (bridge: LocalBridge, sweepLogs: readonly string[]): void => {
  const lines = [...bridge.logs.map(({ line }) => line), ...sweepLogs];
  const leaks = linesHolding(lines, privateData);
  print();
  print(bold('11. Privacy of the bundle logs'));
  print(
    `   ${lines.length} lines logged; ${leaks.length} hold a phone number or a message body`
  );
  verify(leaks.length === 0, 'the bundle logged personal data');
};

/** What the idempotency table remembers: ids and status, no content. */
const printIdempotencyRecords = async (bridge: LocalBridge): Promise<void> => {
  const client = localDynamoDbClient(bridge.dynamoDbUrl);
  try {
    const { Items = [] } = await client.send(
      new ScanCommand({ TableName: bridge.tableName })
    );
    print();
    print(
      bold(
        "10. DynamoDB idempotency records (one per forwarded SMS), and the sweep's cursor and marker"
      )
    );
    for (const item of Items) {
      print(`   ${item.id?.S}  ${item.status?.S ?? item.state?.S ?? ''}`);
    }
    const records = Items.filter(
      (item) => !item.id?.S?.startsWith('opt-out-sweep#')
    );
    verify(records.length === 4, 'the table does not hold one record per text');
  } finally {
    client.destroy();
  }
};

const RUNS: Readonly<Record<string, (outdir: string) => Promise<void>>> = {
  'integration-event': runIntegrationEventDemo,
  participant: runParticipantDemo,
};

/** The run `--mode` names; usage and exit 2 for anything else. */
const chosenRun = (): ((outdir: string) => Promise<void>) => {
  let mode: string | undefined;
  try {
    mode = parseArgs({
      options: { mode: { type: 'string', default: 'integration-event' } },
    }).values.mode;
  } catch (error) {
    print(error instanceof Error ? error.message : String(error));
  }
  const run = mode === undefined ? undefined : RUNS[mode];
  if (run === undefined) {
    if (mode !== undefined) print(`Unknown mode ${JSON.stringify(mode)}.`);
    print(USAGE);
    process.exit(2);
  }
  return run;
};

const main = async (run: (outdir: string) => Promise<void>): Promise<void> => {
  // The functions run on Node 24 in Lambda; this warns about the local Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-demo-'));
  try {
    await run(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

finish(main(chosenRun()));
