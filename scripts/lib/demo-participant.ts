/**
 * `npm run demo -- --mode participant`: both participant-mode bundles from
 * `cdk synth`, against local Connect (chat routes), the Connect Participant
 * Service, End User Messaging, SQS and DynamoDB on 127.0.0.1. Customers
 * text in (inbound function), agents answer through Connect's message
 * streaming (outbound function), and each step prints what reached every
 * endpoint in both directions. Tokens are printed by name, never by value.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { CHAT_EVENT, type StreamedItem } from '../../tools/harness/events';
import {
  type LocalParticipantBridge,
  startLocalParticipantBridge,
} from '../../tools/harness/local-participant-bridge';
import { readParticipantBundles } from '../../tools/harness/synth';
import type { LocalChat } from '../../tools/local-aws/connect-chat';
import type { RecordedRequest } from '../../tools/local-aws/endpoint';
import {
  ALICE,
  BRUNO,
  bold,
  CONTACT_CENTRE,
  CONTACT_CENTRE_ARN,
  cdkSynth,
  demoContext,
  dim,
  linesHolding,
  print,
  summarizeLog,
  verify,
} from './demo-output';

const CHLOE = '+13605550142';
const CONTACT_FLOW_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const MAX_SMS_BODY = 1600;
/** What the demo's contact flow says as each chat starts, before streaming. */
const GREETING =
  'Thanks for texting Example Co. An agent will be with you shortly.';
const DAY_MS = 24 * 60 * 60 * 1000;

const CONTEXT = demoContext({
  deliveryMode: 'participant',
  contactFlowId: CONTACT_FLOW_ID,
});

/** One call on the wire and its answer. */
interface Call {
  readonly service: 'connect' | 'participant' | 'smsVoice';
  /** `PUT /contact/chat`, `SendTextMessage`, ... */
  readonly operation: string;
  readonly bearer?: string;
  readonly request: Record<string, unknown>;
  readonly status: number;
  readonly reply: unknown;
}

interface Seen {
  readonly response: SQSBatchResponse;
  readonly calls: readonly Call[];
  readonly deadLetters: number;
}

interface Step {
  readonly title: string;
  /** What the function is given, in a line. */
  readonly input: string;
  readonly act: () => Promise<SQSBatchResponse>;
  readonly check: (seen: Seen) => void;
}

const SERVICES = {
  connect: 'Amazon Connect',
  participant: 'Connect Participant',
  smsVoice: 'End User Messaging',
} as const;

/** The calls on the wire since `from`, in the order they were answered. */
const callsSince = (bridge: LocalParticipantBridge, from: number): Call[] =>
  bridge.wire.slice(from).map(({ service, request, reply }) => ({
    service,
    operation: operationOf(service, request),
    ...(typeof request.headers['x-amz-bearer'] === 'string'
      ? { bearer: request.headers['x-amz-bearer'] }
      : {}),
    request: (request.json ?? {}) as Record<string, unknown>,
    status: 'status' in reply ? reply.status : 0,
    reply: 'body' in reply ? reply.body : undefined,
  }));

const operationOf = (
  service: Call['service'],
  request: RecordedRequest
): string =>
  service === 'smsVoice'
    ? String(request.headers['x-amz-target'] ?? '').replace(
        /^PinpointSMSVoiceV2\./,
        ''
      )
    : `${request.method} ${request.path}`;

/** Names each token and contact id after the chat it belongs to. */
const namer = (bridge: LocalParticipantBridge) => {
  const names = () =>
    bridge.chats
      .list()
      .flatMap((chat, index) => [
        [chat.participantToken, `«participant token of chat ${index + 1}»`],
        ...chat.connectionTokens.map((token, n) => [
          token,
          n === 0
            ? `«connection token of chat ${index + 1}»`
            : `«renewed connection token of chat ${index + 1}»`,
        ]),
      ]) as [string, string][];
  const chatNumber = (contactId: unknown) =>
    bridge.chats.list().findIndex((chat) => chat.contactId === contactId) + 1;
  return {
    /** The text with every token replaced by its name. */
    redact: (text: string) =>
      names().reduce(
        (result, [token, name]) => result.replaceAll(token, name),
        text
      ),
    chat: (contactId: unknown) => {
      const number = chatNumber(contactId);
      return number > 0 ? `chat ${number}` : `contact ${String(contactId)}`;
    },
  };
};

/** A value as printed: JSON, long strings cut. */
const shown = (value: unknown): string =>
  JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'string' && member.length > 110
      ? `${member.slice(0, 100)}… (${member.length} characters)`
      : member
  );

/** One line per session table item: what it says, tokens by name. */
const describeItem = (
  item: Record<string, unknown>,
  names: ReturnType<typeof namer>
): string => {
  const key = String(item.pk);
  if (key.startsWith('session#')) {
    return item.state === 'active'
      ? `${key}  active, ${names.chat(item.contactId)}, ${names.redact(String(item.connectionToken))}, ${names.redact(String(item.participantToken))}`
      : `${key}  ${String(item.state)}`;
  }
  if (key.startsWith('contact#')) {
    const flags = [
      item.customerNumber === undefined
        ? 'no customer number'
        : `replies go to ${String(item.customerNumber)}`,
      `from …${String(item.replyFromArn).slice(-8)}`,
      ...(item.ended === true ? ['ended'] : []),
      ...(item.optedOut === true ? ['opted out'] : []),
    ];
    return `contact#(${names.chat(item.contactId)})  ${flags.join(', ')}`;
  }
  return `${key}  sent-part marker, ${String(item.status)}`;
};

/** Prints the session table's items that a step added, changed or removed. */
const printSessionChanges = (
  before: readonly Record<string, unknown>[],
  after: readonly Record<string, unknown>[],
  names: ReturnType<typeof namer>
): void => {
  const byKey = (items: readonly Record<string, unknown>[]) =>
    new Map(items.map((item) => [String(item.pk), item]));
  const old = byKey(before);
  const now = byKey(after);
  for (const [key, item] of now) {
    const previous = old.get(key);
    if (previous === undefined) {
      print(`     + ${describeItem(item, names)}`);
    } else if (JSON.stringify(previous) !== JSON.stringify(item)) {
      print(`     ~ ${describeItem(item, names)}`);
    }
  }
  for (const [key, item] of old) {
    if (!now.has(key)) print(`     - ${describeItem(item, names)}`);
  }
};

/** Runs one step and prints what reached each endpoint. */
const runStep = async (
  bridge: LocalParticipantBridge,
  number: number,
  step: Step
): Promise<void> => {
  const names = namer(bridge);
  const before = {
    wire: bridge.wire.length,
    deadLetters:
      bridge.inboundDeadLetters().length + bridge.outboundDeadLetters().length,
    logs: bridge.logs.length,
    items: await bridge.sessionItems(),
  };
  const response = await step.act();
  const calls = callsSince(bridge, before.wire);
  const deadLetters =
    bridge.inboundDeadLetters().length +
    bridge.outboundDeadLetters().length -
    before.deadLetters;

  print();
  print(bold(`${number}. ${step.title}`));
  print(`   ${step.input}`);
  if (calls.length === 0)
    print('   (no call to Connect or End User Messaging)');
  for (const call of calls) {
    const bearer =
      call.bearer === undefined
        ? ''
        : `   X-Amz-Bearer: ${names.redact(call.bearer)}`;
    print(`   → ${SERVICES[call.service]}  ${call.operation}${bearer}`);
    for (const [member, value] of Object.entries(call.request)) {
      print(`     │ ${member}: ${names.redact(shown(value))}`);
    }
    print(`     └ ${call.status} ${names.redact(shown(call.reply))}`);
  }
  const after = await bridge.sessionItems();
  if (JSON.stringify(after) !== JSON.stringify(before.items)) {
    print('   → DynamoDB session table');
    printSessionChanges(before.items, after, names);
  }
  if (deadLetters > 0) print(`   → SQS dead-letter queues: ${deadLetters}`);
  for (const { fn, line } of bridge.logs.slice(before.logs)) {
    print(dim(`   ${fn} log  ${summarizeLog(line)}`));
  }
  print(`   batch response: ${JSON.stringify(response)}`);
  step.check({ response, calls, deadLetters });
};

const only = (calls: readonly Call[], operation: string) =>
  calls.filter((call) => call.operation === operation);

/** The participant-mode run: both directions, end to end. */
export const runParticipantDemo = async (outdir: string): Promise<void> => {
  let bridge: LocalParticipantBridge | undefined;
  try {
    cdkSynth(CONTEXT, outdir);
    const bundles = readParticipantBundles(outdir);
    for (const [name, fn] of Object.entries({
      inbound: bundles.inbound,
      outbound: bundles.outbound,
    })) {
      print(dim(`   ${name} bundle: ${fn.entry.slice(outdir.length + 1)}`));
    }
    bridge = await startLocalParticipantBridge({
      bundles,
      logs: { forward: false },
    });
    // The flow greets each chat before streaming starts: only the
    // transcript has it.
    bridge.chats.setFlow(CONTACT_FLOW_ID, { says: [{ content: GREETING }] });
    print();
    print(bold('2. Local endpoints on 127.0.0.1'));
    print(`   Amazon Connect       ${bridge.connect.url}`);
    print(`   Connect Participant  ${bridge.participant.url}`);
    print(`   End User Messaging   ${bridge.smsVoice.url}`);
    print(`   Amazon SQS           ${bridge.sqs.url}  (dead-letter queues)`);
    print(
      `   DynamoDB             ${bridge.dynamoDbUrl}  (dynalite: ${bridge.sessionTableName}, ${bridge.idempotencyTableName})`
    );
    print(`   Streaming topic      ${bridge.streamingTopicArn}`);
    print(`   Contact flow         says ${shown(GREETING)} as a chat starts`);
    await runConversation(bridge);
  } finally {
    await bridge?.close();
  }
};

const runConversation = async (
  bridge: LocalParticipantBridge
): Promise<void> => {
  const local = bridge;
  /** Bodies and numbers: the bundles must never log them. */
  const privateData: string[] = [ALICE, BRUNO, CHLOE, CONTACT_CENTRE, GREETING];
  const chats: LocalChat[] = [];
  const chat = (index: number): LocalChat => {
    const found = chats[index] ?? local.chats.list()[index];
    if (found === undefined) throw new Error(`chat ${index + 1} is not open`);
    chats[index] = found;
    return found;
  };
  const texted = (from: string, body: string): Step['act'] => {
    privateData.push(body);
    return async () =>
      (await local.text({ from, to: CONTACT_CENTRE, body })).response;
  };
  const textInput = (from: string, body: string) =>
    `SQS → inbound function: SMS from ${from} to ${CONTACT_CENTRE}: ${shown(body)}`;
  const streamed =
    (index: number, item: Omit<StreamedItem, 'initialContactId'>) => () => {
      if (item.content !== undefined) privateData.push(item.content);
      return local.stream({ initialContactId: chat(index).contactId, ...item });
    };
  const streamInput = (
    index: number,
    item: Omit<StreamedItem, 'initialContactId'>
  ) =>
    `Connect streams an item of chat ${index + 1} → topic → SQS → outbound function: ` +
    `${item.type ?? 'MESSAGE'} ${item.contentType ?? 'text/plain'} from ${item.role ?? '(no participant)'}, ` +
    `visibility ${item.visibility ?? 'ALL'}${item.content === undefined ? '' : `: ${shown(item.content)}`}`;
  const noFailures = (seen: Seen) =>
    verify(
      seen.response.batchItemFailures.length === 0 && seen.deadLetters === 0,
      'a record was left for redelivery or dead-lettered'
    );
  const sessionOf = async (customer: string) =>
    (await local.sessionItems()).find(
      (item) => item.pk === `session#${customer}#${CONTACT_CENTRE}#connect:sms`
    );

  const aliceHello = 'Hi, my parcel 4471 has not arrived yet. Can you help?';
  const brunoHello =
    'Bonjour 👋 ma facture est fausse 😕\nMerci de me rappeler 🙏';
  const aliceAgain = 'It was due on Monday.';
  const agentToAlice = 'Sorry about that! It left the depot this morning.';
  const longReply = Array.from(
    { length: 30 },
    (_, i) =>
      `Line ${i + 1} of your invoice: the amount charged was corrected, and the difference is refunded to your card within five working days.`
  ).join(' ');
  const aliceNextDay = 'Good morning, any news about my parcel?';
  const aliceLater = 'Hello again, the parcel still is not here.';
  const chloeHello = 'Can I change my delivery address?';
  const agentToChloe = 'Yes, which address should we use?';

  const steps: Step[] = [
    {
      title: 'Alice texts the contact centre: a new chat opens',
      input: textInput(ALICE, aliceHello),
      act: texted(ALICE, aliceHello),
      check: (seen) => {
        noFailures(seen);
        const [start] = only(seen.calls, 'PUT /contact/chat');
        verify(
          start?.request.ContactFlowId === CONTACT_FLOW_ID &&
            shown(start.request.InitialMessage) ===
              shown({ ContentType: 'text/plain', Content: aliceHello }),
          "Alice's text did not start a chat in the number's flow"
        );
        const [stream] = only(seen.calls, 'POST /contact/start-streaming');
        verify(
          shown(stream?.request.ChatStreamingConfiguration) ===
            shown({ StreamingEndpointArn: local.streamingTopicArn }),
          "the chat does not stream to the stack's topic"
        );
        const [connection] = only(seen.calls, 'POST /participant/connection');
        verify(
          connection?.bearer === chat(0).participantToken &&
            connection.request.ConnectParticipant === true,
          'the customer was not connected to the chat'
        );
        const [transcript] = only(seen.calls, 'POST /participant/transcript');
        const greeting = only(seen.calls, 'SendTextMessage');
        verify(
          transcript?.bearer === chat(0).connectionTokens[0] &&
            greeting.length === 1 &&
            greeting[0]?.request.MessageBody === GREETING &&
            greeting[0]?.request.DestinationPhoneNumber === ALICE,
          "the flow's greeting, said before streaming started, was not texted to Alice"
        );
      },
    },
    {
      title: 'Bruno texts with emoji, accents and a new line: his own chat',
      input: textInput(BRUNO, brunoHello),
      act: texted(BRUNO, brunoHello),
      check: (seen) => {
        noFailures(seen);
        const [start] = only(seen.calls, 'PUT /contact/chat');
        verify(
          (start?.request.InitialMessage as { Content?: string })?.Content ===
            brunoHello,
          "Bruno's text did not reach Connect exactly as sent"
        );
        chat(1);
      },
    },
    {
      title: 'Alice texts again: the participant service, in her chat',
      input: textInput(ALICE, aliceAgain),
      act: texted(ALICE, aliceAgain),
      check: (seen) => {
        noFailures(seen);
        const [message] = only(seen.calls, 'POST /participant/message');
        verify(
          only(seen.calls, 'PUT /contact/chat').length === 0 &&
            message?.bearer === chat(0).connectionTokens[0] &&
            message?.request.Content === aliceAgain,
          "Alice's second text did not go to her open chat"
        );
      },
    },
    {
      title: 'The agent answers Alice: an SMS from the number she texted',
      input: streamInput(0, { role: 'AGENT', content: agentToAlice }),
      act: streamed(0, { role: 'AGENT', content: agentToAlice }),
      check: (seen) => {
        noFailures(seen);
        const sent = only(seen.calls, 'SendTextMessage');
        verify(
          sent.length === 1 &&
            shown(sent[0]?.request) ===
              shown({
                DestinationPhoneNumber: ALICE,
                OriginationIdentity: CONTACT_CENTRE_ARN,
                MessageBody: agentToAlice,
                MessageType: 'TRANSACTIONAL',
              }),
          'the agent reply was not texted to Alice as it should be'
        );
      },
    },
    {
      title: "Connect streams Alice's own text too: it is not echoed",
      input: streamInput(0, { role: 'CUSTOMER', content: aliceAgain }),
      act: streamed(0, { role: 'CUSTOMER', content: aliceAgain }),
      check: (seen) => {
        noFailures(seen);
        verify(seen.calls.length === 0, "Alice's own text was sent back");
      },
    },
    {
      title: `The agent sends Bruno a ${longReply.length}-character reply: it is split`,
      input: streamInput(1, { role: 'AGENT', content: longReply }),
      act: streamed(1, { role: 'AGENT', content: longReply }),
      check: (seen) => {
        noFailures(seen);
        const bodies = only(seen.calls, 'SendTextMessage').map((call) =>
          String(call.request.MessageBody)
        );
        verify(
          bodies.length > 1 &&
            bodies.every((body) => body.length <= MAX_SMS_BODY) &&
            bodies.join(' ') === longReply,
          'the long reply was not split into ordered parts'
        );
      },
    },
    {
      title: 'Bruno texts STOP: he leaves the chat and his session goes',
      input: textInput(BRUNO, 'STOP'),
      act: texted(BRUNO, 'STOP'),
      check: (seen) => {
        noFailures(seen);
        const [disconnect] = only(seen.calls, 'POST /participant/disconnect');
        verify(
          disconnect?.bearer === chat(1).connectionTokens[0] &&
            chat(1).customerDisconnected,
          'STOP did not disconnect Bruno'
        );
      },
    },
    {
      title:
        "A day later Alice's connection token has expired; she texts: the connection is renewed, same chat",
      input: `(Connect's clock moves on a day) ${textInput(ALICE, aliceNextDay)}`,
      act: () => {
        local.chats.clock.advance(DAY_MS + 60_000);
        return texted(ALICE, aliceNextDay)();
      },
      check: (seen) => {
        noFailures(seen);
        const messages = only(seen.calls, 'POST /participant/message');
        const [renewal] = only(seen.calls, 'POST /participant/connection');
        verify(
          messages.map((m) => m.status).join() === '403,200' &&
            renewal?.bearer === chat(0).participantToken &&
            messages[1]?.bearer === chat(0).connectionTokens[1] &&
            only(seen.calls, 'PUT /contact/chat').length === 0,
          "Alice's expired connection was not renewed in her open chat"
        );
      },
    },
    {
      title:
        "Alice's chat has expired in Connect; she texts: a new chat gets her text",
      input: `(chat 1 ends in Connect) ${textInput(ALICE, aliceLater)}`,
      act: () => {
        local.chats.end(chat(0).contactId);
        return texted(ALICE, aliceLater)();
      },
      check: (seen) => {
        noFailures(seen);
        const [refused] = only(seen.calls, 'POST /participant/message');
        const [renewal] = only(seen.calls, 'POST /participant/connection');
        const [start] = only(seen.calls, 'PUT /contact/chat');
        verify(
          refused?.status === 403 &&
            renewal?.status === 403 &&
            (start?.request.InitialMessage as { Content?: string })?.Content ===
              aliceLater,
          'the expired chat was not replaced with the text in the new one'
        );
        chat(2);
      },
    },
    {
      title: 'Chloé texts: a fourth chat',
      input: textInput(CHLOE, chloeHello),
      act: texted(CHLOE, chloeHello),
      check: (seen) => {
        noFailures(seen);
        verify(
          only(seen.calls, 'PUT /contact/chat').length === 1,
          "Chloé's text did not open a chat"
        );
        chat(3);
      },
    },
    {
      title: "The agent ends Alice's chat: chat.ended removes her session",
      input: `(chat 3 ends in Connect) ${streamInput(2, { type: 'EVENT', contentType: CHAT_EVENT.chatEnded })}`,
      act: () => {
        local.chats.end(chat(2).contactId);
        return streamed(2, {
          type: 'EVENT',
          contentType: CHAT_EVENT.chatEnded,
        })();
      },
      check: (seen) => {
        noFailures(seen);
        verify(seen.calls.length === 0, 'the chat end was texted or called');
      },
    },
    {
      title:
        "Chloé's number is on End User Messaging's opt-out list; the agent replies",
      input: `(opt-out list += ${CHLOE}) ${streamInput(3, { role: 'AGENT', content: agentToChloe })}`,
      act: () => {
        local.smsVoice.optOut(CHLOE);
        return streamed(3, { role: 'AGENT', content: agentToChloe })();
      },
      check: (seen) => {
        noFailures(seen);
        const sent = only(seen.calls, 'SendTextMessage');
        const [disconnect] = only(seen.calls, 'POST /participant/disconnect');
        verify(
          sent.length === 1 &&
            sent[0]?.status === 400 &&
            disconnect?.bearer === chat(3).connectionTokens[0],
          'the opted-out customer was retried, or the chat not ended'
        );
      },
    },
  ];
  for (const [index, step] of steps.entries()) {
    await runStep(local, index + 3, step);
  }

  const kinds = ['session#', 'contact#'];
  const kindOf = (item: Record<string, unknown>) => {
    const index = kinds.findIndex((kind) => String(item.pk).startsWith(kind));
    return index === -1 ? kinds.length : index;
  };
  const names = namer(local);
  const items = (await local.sessionItems()).sort(
    (a, b) =>
      kindOf(a) - kindOf(b) ||
      names.chat(a.contactId).localeCompare(names.chat(b.contactId))
  );
  const tokens = local.chats
    .list()
    .flatMap((c) => [c.participantToken, ...c.connectionTokens]);
  print();
  print(bold(`${steps.length + 3}. The session table at the end`));
  for (const item of items) print(`   ${describeItem(item, names)}`);
  verify(
    items.every((item) => !tokens.some((t) => Object.values(item).includes(t))),
    'a connection token of an ended chat is still stored'
  );
  for (const customer of [ALICE, BRUNO, CHLOE]) {
    verify(
      (await sessionOf(customer)) === undefined,
      'a session of an ended chat is still stored'
    );
  }

  print();
  print(bold(`${steps.length + 4}. Privacy of the bundle logs`));
  const lines = local.logs.map(({ line }) => line);
  // Short bodies ("STOP") are words the bundles' own messages may hold.
  const secrets = [...privateData, ...tokens]
    .filter((value) => value.length >= 8)
    .flatMap((value) =>
      value.startsWith('+') ? [value, value.slice(1)] : [value]
    );
  const leaks = linesHolding(lines, secrets);
  print(
    `   ${lines.length} lines logged; ${leaks.length} hold a phone number, a message body or a token`
  );
  verify(leaks.length === 0, 'the bundles logged personal data or a token');
  verify(
    local.otherServices.requests.length === 0,
    'a bundle called an AWS service that is not local'
  );
};
