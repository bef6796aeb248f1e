// `npm run demo [-- --mode participant]`: the synthesized bundles handle a
// customer's texts against the local stand-ins (tools/local-aws), with no AWS
// account; each step prints what reached them. Exits 1 if a step fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { inboundSms, smsRecord, sqsEvent } from '../tools/harness/events';
import { startLocalBridge } from '../tools/harness/local-bridge';
import { startLocalParticipantBridge } from '../tools/harness/local-participant-bridge';
import type { CapturedLine } from '../tools/harness/log-capture';
import {
  readInboundFunction,
  readParticipantBundles,
  SAMPLE_CONTEXT,
  SAMPLE_PARTICIPANT_CONTEXT,
  synthesizeBridge,
} from '../tools/harness/synth';
import { operationOf } from '../tools/local-aws/endpoint';
import type { Exchange } from '../tools/local-aws/scripted';

const CONTACT_CENTRE = '+12065550100';
const ALICE = '+12065550123';
const HELLO = 'Hi, my parcel 4471 has not arrived yet. Can you help?';
const AGAIN = 'It was due on Monday.';
const REPLY = 'Sorry about that! It left the depot this morning.';
const NEXT_DAY = 'Good morning, any news about my parcel?';
const QUIET = { forward: false };
const SERVICES: Record<string, string> = {
  connect: 'Amazon Connect',
  participant: 'Connect Participant',
  smsVoice: 'End User Messaging',
};

const print = (text = '') => process.stdout.write(`${text}\n`);
const short = (value: unknown) => {
  const json = JSON.stringify(value) ?? '';
  return json.length > 110 ? `${json.slice(0, 107)}...` : json;
};
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  print(`   ${ok ? '✓' : '✗'} ${what}`);
  if (!ok) problems.push(what);
};

/**
 * Runs one step and prints each call it caused on the wire: what a bundle
 * sent and what it got back (the reply only where it holds no token).
 */
const stepper =
  (wire: readonly (Exchange & { service: string })[]) =>
  async (title: string, act: () => Promise<unknown>) => {
    print(`\n${title}`);
    const before = wire.length;
    await act();
    return wire.slice(before).map(({ service, request, reply }) => {
      const operation = operationOf(request);
      print(`   → ${SERVICES[service]}  ${operation}`);
      const json = (request.json ?? {}) as Record<string, unknown>;
      for (const [member, value] of Object.entries(json)) {
        print(`     │ ${member}: ${short(value)}`);
      }
      const status = 'status' in reply ? reply.status : 0;
      const body = ('body' in reply ? reply.body : {}) as typeof json;
      const open = operation === 'SendChatIntegrationEvent';
      print(`     └ ${status}${open ? ` ${short(body)}` : ''}`);
      return { operation, json, status, reply: body };
    });
  };

/** The bundles' logs hold no phone number, message body or token. */
const checkLogs = (logs: readonly CapturedLine[], secrets: string[]) => {
  print(`\nThe bundles logged ${logs.length} lines`);
  const leak = logs.some(({ line }) => secrets.some((s) => line.includes(s)));
  check(!leak, 'none holds a phone number, a text or a token');
};

const integrationEvent = async (outdir: string) => {
  const fn = readInboundFunction(synthesizeBridge(SAMPLE_CONTEXT, outdir));
  const bridge = await startLocalBridge({ fn, logs: QUIET });
  const sms = { originationNumber: ALICE, destinationNumber: CONTACT_CENTRE };
  const text = (messageBody: string) => () =>
    bridge.invoke(sqsEvent(smsRecord(inboundSms({ ...sms, messageBody }))));
  const step = stepper(bridge.wire);
  const [first] = await step('1. Alice texts us', text(HELLO));
  check(first?.reply.NewChatCreated === true, 'her text starts a chat');
  const [again] = await step('2. Alice texts again', text(AGAIN));
  check(
    again?.reply.NewChatCreated === false &&
      again.reply.InitialContactId === first?.reply.InitialContactId,
    'the text joins her chat'
  );
  const [stop] = await step('3. Alice texts STOP', text('STOP'));
  const event = stop?.json.Event as { Type?: string } | undefined;
  check(event?.Type === 'DISCONNECT', 'her chat is disconnected');
  checkLogs(bridge.logs, [ALICE, HELLO, AGAIN]);
};

const participant = async (outdir: string) => {
  const bundles = readParticipantBundles(
    synthesizeBridge(SAMPLE_PARTICIPANT_CONTEXT, outdir)
  );
  const bridge = await startLocalParticipantBridge({ bundles, logs: QUIET });
  const text = (body: string) => () =>
    bridge.text({ from: ALICE, to: CONTACT_CENTRE, body });
  const step = stepper(bridge.wire);
  const to = <T extends { operation: string }>(calls: T[], operation: string) =>
    calls.filter((c) => c.operation === operation);
  const opened = await step('1. Alice texts us', text(HELLO));
  const [start] = to(opened, 'StartChatContact');
  check(
    (start?.json.InitialMessage as { Content?: string })?.Content === HELLO &&
      to(opened, 'StartContactStreaming').length === 1,
    "her text starts a chat in the number's flow, streamed to the bridge"
  );
  const chat = bridge.chats.list()[0];
  if (chat === undefined) throw new Error('no chat was opened');

  const agent = { initialContactId: chat.contactId, role: 'AGENT' } as const;
  const [sms] = await step('2. The agent answers in the chat', () =>
    bridge.stream({ ...agent, content: REPLY })
  );
  const { MessageBody, DestinationPhoneNumber } = sms?.json ?? {};
  check(
    MessageBody === REPLY && DestinationPhoneNumber === ALICE,
    'the reply is texted to Alice'
  );

  bridge.chats.clock.advance(24 * 60 * 60 * 1000 + 60_000);
  const renewed = await step('3. A day later, Alice texts', text(NEXT_DAY));
  const sent = to(renewed, 'SendMessage').map((c) => c.status);
  check(
    sent.join() === '403,200' &&
      to(renewed, 'CreateParticipantConnection').length === 1,
    'her expired connection is renewed; the text reaches her chat'
  );

  await step('4. Alice texts STOP', text('STOP'));
  check(chat.customerDisconnected, 'she leaves the chat');
  const { participantToken, connections } = chat;
  const tokens = [participantToken, ...connections.map((c) => c.token)];
  checkLogs(bridge.logs, [ALICE, HELLO, REPLY, NEXT_DAY, ...tokens]);
};

const main = async () => {
  const { mode = '' } = parseArgs({
    options: { mode: { type: 'string', default: 'integration-event' } },
  }).values;
  const run = { 'integration-event': integrationEvent, participant }[mode];
  if (run === undefined) {
    print('Usage: npm run demo [-- --mode integration-event|participant]');
    process.exit(2);
  }
  // Lambda runs Node 24; the SDK need not warn about the local Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  print(`Synthesizing the app (${mode} mode) with its bundling...`);
  const outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-demo-'));
  try {
    await run(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const ok = problems.length === 0;
  print(ok ? '\nEvery step did its part.' : '\nA step failed.');
  // The local bridge is left open: exiting closes its servers.
  process.exit(ok ? 0 : 1);
};

main().catch((error: unknown) => {
  print(`Demo failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
