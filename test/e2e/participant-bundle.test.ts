import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { SQSRecord } from 'aws-lambda';
import {
  type StreamedItem,
  smsRecord,
  sqsEvent,
} from '../../tools/harness/events';
import {
  type LocalParticipantBridge,
  startLocalParticipantBridge,
} from '../../tools/harness/local-participant-bridge';
import {
  type ParticipantBundles,
  readParticipantBundles,
  synthesizeBridge,
} from '../../tools/harness/synth';
import type { LocalChat } from '../../tools/local-aws/connect-chat';
import {
  awsError,
  callsTo,
  type RecordedRequest,
  type Reply,
  type Responder,
} from '../../tools/local-aws/endpoint';
import { emfDocuments, metricTotals } from '../support/output';

const ACCOUNT = '111122223333';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
const SALES_NUMBER = '+12065550100';
const SALES_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;
const SALES_FLOW = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SUPPORT_NUMBER = '+12065550101';
const SUPPORT_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-11111111111111111111111111111111`;
const DEFAULT_FLOW = 'ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee';
const CUSTOMER = '+14255550182';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const CHAT_ENDED = 'application/vnd.amazonaws.connect.event.chat.ended';

/** The list picker of the Amazon Connect guide's "interactive messages". */
const LIST_PICKER = {
  templateType: 'ListPicker',
  version: '1.0',
  data: {
    replyMessage: { title: 'Thanks for selecting!' },
    content: {
      title: 'What produce would you like to buy?',
      subtitle: 'Tap to select option',
      imageType: 'URL',
      imageData: 'https://interactive-msg.s3-us-west-2.amazonaws.com/fruit.jpg',
      elements: [
        { title: 'Apple', subtitle: '$1.00' },
        { title: 'Orange', subtitle: '$1.50' },
        { title: 'Banana', subtitle: '$10.00' },
      ],
    },
  },
};
/** A template for Apple Messages for Business that no SMS can show. */
const APPLE_PAY = {
  templateType: 'ApplePay',
  version: '1.0',
  data: { content: { title: 'Pay for parcel 4711' } },
};
const INVOICE = {
  ContentType: 'application/pdf',
  AttachmentId: 'attachment-1',
  AttachmentName: 'invoice-parcel-4711.pdf',
  Status: 'APPROVED',
} as const;
const OTHER_CUSTOMER = '+14255550143';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** What `-c key=value` gives the app: one number with its own flow, one without. */
const CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE_ID}`,
  deliveryMode: 'participant',
  contactFlowId: DEFAULT_FLOW,
  phoneNumbers: JSON.stringify({
    [SALES_NUMBER]: { arn: SALES_ARN, contactFlowId: SALES_FLOW },
    [SUPPORT_NUMBER]: SUPPORT_ARN,
  }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
  supportedMessagingContentTypes: JSON.stringify([
    'text/plain',
    'text/markdown',
  ]),
};

describe('the synthesized participant-mode bundles against local endpoints', () => {
  let outdir: string;
  let bundles: ParticipantBundles;
  let bridge: LocalParticipantBridge;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-e2e-'));
    bundles = readParticipantBundles(synthesizeBridge(CONTEXT, outdir));
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    bridge = await startLocalParticipantBridge({ bundles });
  });

  afterEach(async () => {
    await bridge.close();
  });

  /** A customer texts the bridge; the inbound bundle handles it. */
  const text = (from: string, body: string, to = SALES_NUMBER) =>
    bridge.text({ from, to, body });

  /** The customer's chat after their first text. */
  const openChat = async (from = CUSTOMER, to = SALES_NUMBER) => {
    await text(from, 'I need some help with my order', to);
    const chat = bridge.chats.list().at(-1);
    if (chat === undefined) throw new Error('the first text opened no chat');
    return chat;
  };

  /** Connect streams an item of the chat; the outbound bundle handles it. */
  const stream = (
    chat: LocalChat,
    item: Omit<StreamedItem, 'initialContactId'>
  ) => bridge.stream({ initialContactId: chat.contactId, ...item });

  /** The session table's items that still hold a chat's connection token. */
  const itemsHolding = async (token: string) =>
    (await bridge.sessionItems()).filter((item) =>
      Object.values(item).includes(token)
    );

  const contactItem = async (chat: LocalChat) =>
    (await bridge.sessionItems()).find(
      (item) =>
        item.contactId === chat.contactId && !('connectionToken' in item)
    );

  const sentBodies = () =>
    sendTextMessageCalls().map((r) =>
      String((r.json as { MessageBody?: unknown }).MessageBody)
    );

  const sendTextMessageCalls = () =>
    bridge.smsVoice.requests.filter(
      (request) =>
        request.headers['x-amz-target'] === 'PinpointSMSVoiceV2.SendTextMessage'
    );

  describe('customer to agent', () => {
    it('opens a chat with StartChatContact in the flow of the number texted', async () => {
      // Prepare
      const body = 'Hello, my order has not arrived';

      // Act
      const { sms, response } = await text(CUSTOMER, body, SALES_NUMBER);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const starts = bridge.connect.requests.filter(
        (r) => r.path === '/contact/chat'
      );
      expect(starts.map((r) => r.method)).toEqual(['PUT']);
      expect(starts[0]?.json).toEqual({
        InstanceId: INSTANCE_ID,
        ContactFlowId: SALES_FLOW,
        ParticipantDetails: { DisplayName: CUSTOMER },
        Attributes: {
          channel: 'sms',
          customerPhoneNumber: CUSTOMER,
          systemPhoneNumber: SALES_NUMBER,
        },
        InitialMessage: { ContentType: 'text/plain', Content: body },
        SupportedMessagingContentTypes: ['text/plain', 'text/markdown'],
        ClientToken: sms.inboundMessageId,
      });
    });

    it("gives the new chat the customer's number and the number texted as attributes", async () => {
      // Act
      await text(
        OTHER_CUSTOMER,
        'Hello, it is about my invoice',
        SUPPORT_NUMBER
      );

      // Assess
      expect(bridge.chats.list().at(-1)?.start.Attributes).toEqual({
        channel: 'sms',
        customerPhoneNumber: OTHER_CUSTOMER,
        systemPhoneNumber: SUPPORT_NUMBER,
      });
    });

    it('opens the chat of a number without a flow of its own in the default flow', async () => {
      // Act
      await text(CUSTOMER, 'Is the support desk open?', SUPPORT_NUMBER);

      // Assess
      expect(
        callsTo(bridge.connect.requests, '/contact/chat').map(
          ({ body }) => body.ContactFlowId
        )
      ).toEqual([DEFAULT_FLOW]);
    });

    it("streams the new chat to the stack's streaming topic", async () => {
      // Act
      const chat = await openChat();

      // Assess
      expect(
        callsTo(bridge.connect.requests, '/contact/start-streaming').map(
          ({ body }) => body
        )
      ).toEqual([
        {
          InstanceId: INSTANCE_ID,
          ContactId: chat.contactId,
          ChatStreamingConfiguration: {
            StreamingEndpointArn: bridge.streamingTopicArn,
          },
          ClientToken: expect.any(String),
        },
      ]);
      expect(chat.streamingEndpoints).toEqual([bridge.streamingTopicArn]);
    });

    it('connects the customer with connection credentials and ConnectParticipant', async () => {
      // Act
      const chat = await openChat();

      // Assess
      expect(
        callsTo(bridge.participant.requests, '/participant/connection')
      ).toEqual([
        {
          bearer: chat.participantToken,
          body: { Type: ['CONNECTION_CREDENTIALS'], ConnectParticipant: true },
        },
      ]);
      expect(chat.connections).toHaveLength(1);
    });

    it('sends the second text to the open chat with its connection token', async () => {
      // Prepare
      const chat = await openChat();
      const body = 'It was due on Monday';

      // Act
      const { sms, response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.chats.list()).toHaveLength(1);
      expect(
        callsTo(bridge.participant.requests, '/participant/message')
      ).toEqual([
        {
          bearer: chat.connections[0]?.token,
          body: {
            ContentType: 'text/plain',
            Content: body,
            ClientToken: sms.inboundMessageId,
          },
        },
      ]);
      expect(chat.messages.map((m) => m.Content)).toEqual([
        'I need some help with my order',
        body,
      ]);
    });

    it('opens one chat for two first texts that arrive together', async () => {
      // Prepare: Connect is slow to start the chat, so the texts overlap
      bridge.connect.queue(async (request, next) => {
        const reply: Reply = await next(request);
        return 'status' in reply ? { ...reply, delayMs: 300 } : reply;
      });

      // Act
      const results = await Promise.all([
        text(CUSTOMER, 'Is anyone there?'),
        text(CUSTOMER, 'Hello? I am still waiting'),
      ]);

      // Assess
      expect(results.map(({ response }) => response)).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [] },
      ]);
      expect(callsTo(bridge.connect.requests, '/contact/chat')).toHaveLength(1);
      const [chat] = bridge.chats.list();
      expect(chat?.messages.map((m) => m.Content).sort()).toEqual(
        ['Hello? I am still waiting', 'Is anyone there?'].sort()
      );
    });

    it('replaces an expired chat with a new one that gets the text', async () => {
      // Prepare
      const expired = await openChat();
      bridge.chats.end(expired.contactId);
      const body = 'Sorry, I was away for a while';

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const refused = bridge.participant.exchanges.filter(
        ({ request }) => request.path === '/participant/message'
      );
      expect(
        refused.map(({ reply }) => 'status' in reply && reply.status)
      ).toEqual([403]);
      const replacement = bridge.chats.list().at(-1);
      expect(replacement?.contactId).not.toBe(expired.contactId);
      expect(replacement?.start.InitialMessage).toEqual({
        ContentType: 'text/plain',
        Content: body,
      });
      expect(await itemsHolding(expired.connections[0]?.token ?? '')).toEqual(
        []
      );
      expect(bridge.inboundDeadLetters()).toEqual([]);
    });

    it('disconnects the customer on STOP and removes the session', async () => {
      // Prepare
      const chat = await openChat();
      const token = chat.connections[0]?.token ?? '';

      // Act
      const { sms, response } = await text(CUSTOMER, 'STOP');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(
        callsTo(bridge.participant.requests, '/participant/disconnect')
      ).toEqual([
        { bearer: token, body: { ClientToken: sms.inboundMessageId } },
      ]);
      expect(chat.customerDisconnected).toBe(true);
      expect(await itemsHolding(token)).toEqual([]);
      expect(await contactItem(chat)).toEqual(
        expect.objectContaining({ ended: true, optedOut: true })
      );
      expect(await contactItem(chat)).not.toHaveProperty('customerNumber');
    });

    it('sends "Cancel my appointment" to the open chat instead of ending it', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const { response } = await text(CUSTOMER, 'Cancel my appointment');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chat.customerDisconnected).toBe(false);
      expect(chat.messages.map((m) => m.Content)).toEqual([
        'I need some help with my order',
        'Cancel my appointment',
      ]);
    });

    it('opens no chat for STOP from a customer who has none', async () => {
      // Act
      const { response } = await text(CUSTOMER, 'STOP');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toEqual([]);
      expect(bridge.participant.requests).toEqual([]);
    });
  });

  describe('a chat longer than a day', () => {
    /** Connect's time moves on; the bundles' own clock does not. */
    const letTimePass = (ms: number) => bridge.chats.clock.advance(ms);

    /** The session item of the customer's chat with the sales number. */
    const sessionItem = async (customer = CUSTOMER) =>
      (await bridge.sessionItems()).find(
        (item) => item.pk === `session#${customer}#${SALES_NUMBER}#connect:sms`
      );

    const participantExchanges = () =>
      bridge.participant.exchanges.map(({ request, reply }) => [
        request.path,
        'status' in reply ? reply.status : 0,
      ]);

    it('renews the connection with the participant token when the connection token has expired', async () => {
      // Prepare: a day later Connect refuses the connection token
      const chat = await openChat();
      letTimePass(DAY_MS + MINUTE_MS);
      const before = bridge.participant.exchanges.length;
      const body = 'Good morning, any news about my order?';

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(participantExchanges().slice(before)).toEqual([
        ['/participant/message', 403],
        ['/participant/connection', 200],
        ['/participant/message', 200],
      ]);
      expect(
        callsTo(bridge.participant.requests, '/participant/connection').map(
          (call) => call.bearer
        )
      ).toEqual([chat.participantToken, chat.participantToken]);
      expect(bridge.chats.list()).toEqual([chat]);
      expect(chat.messages.at(-1)?.Content).toBe(body);
      expect(bridge.inboundDeadLetters()).toEqual([]);
    });

    it('keeps the renewed connection token for the texts that follow', async () => {
      // Prepare
      const chat = await openChat();
      letTimePass(DAY_MS + MINUTE_MS);
      await text(CUSTOMER, 'Still waiting');

      // Act
      await text(CUSTOMER, 'Hello?');

      // Assess
      expect(
        callsTo(bridge.participant.requests, '/participant/message').map(
          (call) => call.bearer
        )
      ).toEqual([
        chat.connections[0]?.token,
        chat.connections[1]?.token,
        chat.connections[1]?.token,
      ]);
      expect((await sessionItem())?.connectionToken).toBe(
        chat.connections[1]?.token
      );
    });

    it('renews the connection before sending once its Expiry has passed', async () => {
      // Prepare: Connect answers the first connection with an Expiry
      // already past, as it is a day later
      bridge.participant.queue(async (request, next) => {
        const reply = await next(request);
        if (!('body' in reply)) return reply;
        const body = reply.body as {
          ConnectionCredentials: Record<string, string>;
        };
        return {
          ...reply,
          body: {
            ...body,
            ConnectionCredentials: {
              ...body.ConnectionCredentials,
              Expiry: new Date(Date.now() - MINUTE_MS).toISOString(),
            },
          },
        };
      });
      const chat = await openChat();
      const before = bridge.participant.exchanges.length;

      // Act
      const { response } = await text(CUSTOMER, 'Are you there?');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(participantExchanges().slice(before)).toEqual([
        ['/participant/connection', 200],
        ['/participant/message', 200],
      ]);
      expect(bridge.chats.list()).toEqual([chat]);
    });

    it('opens a new chat when the chat has reached its duration and cannot be renewed', async () => {
      // Prepare: Connect ends a chat after 1,500 minutes by default
      const expired = await openChat();
      letTimePass(25 * HOUR_MS + MINUTE_MS);
      const before = bridge.participant.exchanges.length;
      const body = 'Hello, it is me again';

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(participantExchanges().slice(before, before + 2)).toEqual([
        ['/participant/message', 403],
        ['/participant/connection', 403],
      ]);
      const replacement = bridge.chats.list().at(-1);
      expect(replacement?.contactId).not.toBe(expired.contactId);
      expect(replacement?.start.InitialMessage).toEqual({
        ContentType: 'text/plain',
        Content: body,
      });
    });

    it('keeps the participant token in the session, which lives as long as the chat, not the connection token', async () => {
      // Act
      const chat = await openChat();

      // Assess
      const item = await sessionItem();
      expect(item).toEqual(
        expect.objectContaining({
          participantToken: chat.participantToken,
          connectionToken: chat.connections[0]?.token,
        })
      );
      expect(Number(item?.expiration) * 1000).toBeGreaterThan(
        chat.connections[0]?.expiresAt ?? Number.POSITIVE_INFINITY
      );
    });

    it('ends the chat with a renewed connection when the customer texts STOP a day later', async () => {
      // Prepare
      const chat = await openChat();
      letTimePass(DAY_MS + MINUTE_MS);

      // Act
      const { response } = await text(CUSTOMER, 'STOP');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chat.customerDisconnected).toBe(true);
      expect(
        callsTo(bridge.participant.requests, '/participant/disconnect').map(
          (call) => call.bearer
        )
      ).toEqual([chat.connections[0]?.token, chat.connections[1]?.token]);
      expect(await itemsHolding(chat.participantToken)).toEqual([]);
    });
  });

  describe('what the flow says before streaming starts', () => {
    const GREETING =
      'Thanks for texting Example Co. An agent will be with you soon.';
    const QUEUE_POSITION = 'You are number 3 in the queue.';
    const CLOSED =
      'We are closed. Our opening hours are 9 to 5, Monday to Friday.';

    const textedBodies = () =>
      sendTextMessageCalls().map(
        (r) => (r.json as { MessageBody?: unknown }).MessageBody
      );

    it('texts the customer what the flow said before streaming started, from the number texted', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, { says: [{ content: GREETING }] });

      // Act
      const { response } = await text(CUSTOMER, 'Is my order on its way?');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sendTextMessageCalls().map((r) => r.json)).toEqual([
        {
          DestinationPhoneNumber: CUSTOMER,
          OriginationIdentity: SALES_ARN,
          MessageBody: GREETING,
          MessageType: 'TRANSACTIONAL',
        },
      ]);
    });

    it("reads the transcript with the new chat's connection token", async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, { says: [{ content: GREETING }] });

      // Act
      const chat = await openChat();

      // Assess
      expect(
        callsTo(bridge.participant.requests, '/participant/transcript').map(
          (call) => call.bearer
        )
      ).toEqual([chat.connections[0]?.token]);
    });

    it('texts the flow messages in the order the flow said them', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, {
        says: [
          { content: GREETING },
          { content: QUEUE_POSITION, role: 'CUSTOM_BOT' },
        ],
      });

      // Act
      await openChat();

      // Assess
      expect(textedBodies()).toEqual([GREETING, QUEUE_POSITION]);
    });

    it('texts a flow message once when streaming delivers it too', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, {
        says: [{ content: GREETING, id: 'greeting-1' }],
      });
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        role: 'SYSTEM',
        id: 'greeting-1',
        content: GREETING,
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(textedBodies()).toEqual([GREETING]);
      expect(bridge.outboundDeadLetters()).toEqual([]);
    });

    it('acknowledges a text whose flow ends the chat at once, without a dead letter', async () => {
      // Prepare: the flow says it is closed and ends the chat before the
      // customer can connect, so its words cannot be read
      bridge.chats.setFlow(SALES_FLOW, {
        says: [{ content: CLOSED }],
        endsChat: true,
      });

      // Act
      const { response } = await text(CUSTOMER, 'Hello, anyone there?');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.inboundDeadLetters()).toEqual([]);
      expect(
        bridge.participant.exchanges.map(({ request, reply }) => [
          request.path,
          'status' in reply ? reply.status : 0,
        ])
      ).toEqual([['/participant/connection', 403]]);
      expect(sendTextMessageCalls()).toEqual([]);
    });

    it('counts a chat that its flow ended at once in a metric', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, { endsChat: true });

      // Act
      await text(CUSTOMER, 'Hello, anyone there?');

      // Assess
      const metrics = bridge.logs
        .filter(({ fn }) => fn === 'SmsConnectBridge-Function')
        .map(({ line }) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => '_aws' in entry);
      expect(metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ChatsEndedByFlow: 1 }),
        ])
      );
    });

    it('opens a new chat for the next text after the flow ended the last one at once', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, { endsChat: true });
      await text(CUSTOMER, 'Hello, anyone there?');
      bridge.chats.setFlow(SALES_FLOW, undefined);

      // Act
      const { response } = await text(CUSTOMER, 'Are you open now?');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(callsTo(bridge.connect.requests, '/contact/chat')).toHaveLength(2);
      expect(bridge.chats.list().at(-1)?.ended).toBe(false);
    });

    it('texts the closing words of a flow that ends the chat right after the customer connects', async () => {
      // Prepare: the flow ends the chat as soon as the customer is connected
      bridge.chats.setFlow(SALES_FLOW, { says: [{ content: CLOSED }] });
      bridge.participant.queue(async (request, next) => {
        const reply = await next(request);
        for (const chat of bridge.chats.list())
          bridge.chats.end(chat.contactId);
        return reply;
      });

      // Act
      const { response } = await text(CUSTOMER, 'Hello, anyone there?');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(textedBodies()).toEqual([CLOSED]);
      expect(
        (await bridge.sessionItems()).filter((item) =>
          String(item.pk).startsWith('session#')
        )
      ).toEqual([]);
    });
  });

  describe('customer texts over 1,024 characters', () => {
    /** A text of 1,500 characters or so, in words that say their place. */
    const longText = () =>
      Array.from(
        { length: 150 },
        (_, i) => `word${String(i).padStart(4, '0')}`
      ).join(' ');

    const messageCalls = () =>
      callsTo(bridge.participant.requests, '/participant/message');

    it('opens a chat with the first part of a long text and sends the rest to it', async () => {
      // Prepare
      const body = longText();

      // Act
      const { sms, response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const [chat] = bridge.chats.list();
      const contents = chat?.messages.map((m) => m.Content) ?? [];
      expect(contents).toHaveLength(2);
      for (const content of contents) {
        expect(content.length).toBeLessThanOrEqual(1024);
      }
      expect(contents.join(' ')).toBe(body);
      expect(chat?.start.InitialMessage).toEqual({
        ContentType: 'text/plain',
        Content: contents[0],
      });
      expect(chat?.start.ClientToken).toBe(sms.inboundMessageId);
      expect(messageCalls().map((call) => call.body.Content)).toEqual([
        contents[1],
      ]);
      expect(bridge.inboundDeadLetters()).toEqual([]);
    });

    it('sends a long text to the open chat as ordered messages', async () => {
      // Prepare
      const chat = await openChat();
      const body = longText();

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.chats.list()).toHaveLength(1);
      const parts = chat.messages.slice(1).map((m) => m.Content);
      expect(parts).toHaveLength(2);
      expect(parts.join(' ')).toBe(body);
      const tokens = messageCalls().map((call) => call.body.ClientToken);
      expect(new Set(tokens).size).toBe(2);
    });

    it('opens a new chat with the parts not yet sent when the chat ends between two parts', async () => {
      // Prepare: the chat ends just after it took the first part
      const chat = await openChat();
      bridge.participant.queue(async (request, next) => {
        const reply = await next(request);
        bridge.chats.end(chat.contactId);
        return reply;
      });
      const body = longText();

      // Act
      const { sms, response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const replacement = bridge.chats.list().at(-1);
      expect(replacement?.contactId).not.toBe(chat.contactId);
      const first = chat.messages.slice(1).map((m) => m.Content);
      const rest = replacement?.messages.map((m) => m.Content) ?? [];
      expect([...first, ...rest].join(' ')).toBe(body);
      expect(first).toHaveLength(1);
      expect(replacement?.start.ClientToken).toBe(
        `${sms.inboundMessageId}-part-1`
      );
    });

    it('sends only the parts not yet sent when a long text is retried', async () => {
      // Prepare: the chat takes the first part, then fails until the retry
      const chat = await openChat();
      let calls = 0;
      bridge.participant.always((request) =>
        request.path === '/participant/message' && calls++ > 0
          ? awsError(500, 'InternalServerException')
          : undefined
      );
      const { sms, response: failed } = await text(CUSTOMER, longText());
      bridge.participant.always(undefined);

      // Act
      const retried = await bridge.invokeInbound(sqsEvent(smsRecord(sms)));

      // Assess
      expect(failed.batchItemFailures).toHaveLength(1);
      expect(retried).toEqual({ batchItemFailures: [] });
      const parts = chat.messages.slice(1).map((m) => m.Content);
      expect(parts.join(' ')).toBe(sms.messageBody);
      const sent = bridge.participant.exchanges.filter(
        ({ request, reply }) =>
          request.path === '/participant/message' &&
          'status' in reply &&
          reply.status === 200
      );
      expect(
        sent.map(
          ({ request }) => (request.json as { Content?: string }).Content
        )
      ).toEqual(parts);
    });
  });

  describe('long texts in a chat that lives longer than a day, and what the flow says', () => {
    const GREETING = 'Thanks for texting Example Co.';
    /** A text of 1,500 characters or so: two parts. */
    const longText = () =>
      Array.from(
        { length: 150 },
        (_, i) => `word${String(i).padStart(4, '0')}`
      ).join(' ');

    const participantExchanges = () =>
      bridge.participant.exchanges.map(({ request, reply }) => [
        request.path,
        'status' in reply ? reply.status : 0,
      ]);

    it("opens the chat with the first part, texts the flow's messages, then sends the rest", async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, { says: [{ content: GREETING }] });
      const body = longText();

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.chats.list()).toHaveLength(1);
      const [chat] = bridge.chats.list();
      expect(chat?.messages.map((m) => m.Content).join(' ')).toBe(body);
      expect(participantExchanges()).toEqual([
        ['/participant/connection', 200],
        ['/participant/transcript', 200],
        ['/participant/message', 200],
      ]);
      expect(sentBodies()).toEqual([GREETING]);
    });

    it('renews an expired connection once and sends every part of a long text with the new token', async () => {
      // Prepare
      const chat = await openChat();
      bridge.chats.clock.advance(DAY_MS + MINUTE_MS);
      const before = bridge.participant.exchanges.length;
      const body = longText();

      // Act
      const { response } = await text(CUSTOMER, body);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(participantExchanges().slice(before)).toEqual([
        ['/participant/message', 403],
        ['/participant/connection', 200],
        ['/participant/message', 200],
        ['/participant/message', 200],
      ]);
      expect(
        callsTo(bridge.participant.requests, '/participant/message')
          .slice(-2)
          .map((call) => call.bearer)
      ).toEqual([chat.connections[1]?.token, chat.connections[1]?.token]);
      expect(bridge.chats.list()).toEqual([chat]);
      expect(
        chat.messages
          .slice(1)
          .map((m) => m.Content)
          .join(' ')
      ).toBe(body);
    });

    it('sends the rest of a long text nowhere when the flow ends the chat at once', async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, {
        says: [{ content: 'We are closed.' }],
        endsChat: true,
      });

      // Act
      const { response } = await text(CUSTOMER, longText());

      // Assess: one chat, not one per part
      expect(response).toEqual({ batchItemFailures: [] });
      expect(callsTo(bridge.connect.requests, '/contact/chat')).toHaveLength(1);
      expect(
        callsTo(bridge.participant.requests, '/participant/message')
      ).toEqual([]);
      expect(bridge.inboundDeadLetters()).toEqual([]);
    });

    it("texts a flow's interactive message as the outbound function renders it", async () => {
      // Prepare
      bridge.chats.setFlow(SALES_FLOW, {
        says: [
          {
            content: JSON.stringify(LIST_PICKER),
            contentType: INTERACTIVE,
            role: 'CUSTOM_BOT',
          },
          {
            content: JSON.stringify(APPLE_PAY),
            contentType: INTERACTIVE,
            role: 'CUSTOM_BOT',
          },
        ],
      });

      // Act
      await openChat();

      // Assess
      expect(sentBodies()).toEqual([
        [
          'What produce would you like to buy?',
          'Tap to select option',
          '1. Apple - $1.00',
          '2. Orange - $1.50',
          '3. Banana - $10.00',
        ].join('\n'),
        "The agent sent a message that can't be shown by text message.",
      ]);
    });
  });

  describe('a chat whose opening fails half-way', () => {
    /** What a call meets instead of the service's usual answer. */
    type Fault = (
      request: RecordedRequest,
      next: Responder
    ) => Reply | Promise<Reply>;

    const FIRST = 'My parcel never arrived';
    const SECOND = 'It was due on Monday';

    /** Every attempt at `route` meets `reply` until `cleared()`. */
    const failEvery = (
      service: 'connect' | 'participant',
      route: string,
      reply: Fault
    ) => {
      bridge[service].always((request, next) =>
        request.path === route ? reply(request, next) : undefined
      );
      return () => bridge[service].always(undefined);
    };

    /** The service processes the call, then the connection drops. */
    const dropAfterProcessing: Fault = async (request, next) => {
      await next(request);
      return { drop: true };
    };

    /** The queue delivers a text again: the same message. */
    const retry = (sent: { record: SQSRecord }) =>
      bridge.invokeInbound(sqsEvent(sent.record));

    it('sends the next text to the chat whose streaming failed, and the retry of the first into no other', async () => {
      // Prepare: StartChatContact works, StartContactStreaming fails (500)
      const cleared = failEvery('connect', '/contact/start-streaming', () =>
        awsError(500, 'InternalServiceException')
      );
      const first = await text(CUSTOMER, FIRST);
      cleared();

      // Act: the customer texts again before the first text comes back
      const second = await text(CUSTOMER, SECOND);
      const retried = await retry(first);

      // Assess
      expect(first.response.batchItemFailures).toHaveLength(1);
      expect(second.response).toEqual({ batchItemFailures: [] });
      expect(retried).toEqual({ batchItemFailures: [] });
      const chats = bridge.chats.list();
      expect(chats).toHaveLength(1);
      expect(chats[0]?.messages.map((m) => m.Content)).toEqual([FIRST, SECOND]);
      expect(chats[0]?.streamingEndpoints).toEqual([bridge.streamingTopicArn]);
      expect(
        (await bridge.sessionItems()).find((item) => item.state !== undefined)
      ).toMatchObject({ state: 'active', contactId: chats[0]?.contactId });
      expect(bridge.inboundDeadLetters()).toEqual([]);
    });

    it('finishes the chat with the retry of the text whose streaming failed, then sends the next text to it', async () => {
      // Prepare
      const cleared = failEvery('connect', '/contact/start-streaming', () =>
        awsError(500, 'InternalServiceException')
      );
      const first = await text(CUSTOMER, FIRST);
      cleared();

      // Act
      const retried = await retry(first);
      const second = await text(CUSTOMER, SECOND);

      // Assess
      expect(retried).toEqual({ batchItemFailures: [] });
      expect(second.response).toEqual({ batchItemFailures: [] });
      const chats = bridge.chats.list();
      expect(chats).toHaveLength(1);
      expect(chats[0]?.messages.map((m) => m.Content)).toEqual([FIRST, SECOND]);
    });

    it('resumes a chat whose CreateParticipantConnection was cut off after Connect processed it', async () => {
      // Prepare: every connection attempt is processed, its answer lost
      const cleared = failEvery(
        'participant',
        '/participant/connection',
        dropAfterProcessing
      );
      const first = await text(CUSTOMER, FIRST);
      cleared();

      // Act
      const second = await text(CUSTOMER, SECOND);
      const retried = await retry(first);

      // Assess
      expect(first.response.batchItemFailures).toHaveLength(1);
      expect(second.response).toEqual({ batchItemFailures: [] });
      expect(retried).toEqual({ batchItemFailures: [] });
      const chats = bridge.chats.list();
      expect(chats).toHaveLength(1);
      expect(chats[0]?.messages.map((m) => m.Content)).toEqual([FIRST, SECOND]);
      // Resumed with the participant token the session kept
      const connections = callsTo(
        bridge.participant.requests,
        '/participant/connection'
      );
      expect(new Set(connections.map((call) => call.bearer))).toEqual(
        new Set([chats[0]?.participantToken])
      );
      expect(callsTo(bridge.connect.requests, '/contact/chat')).toHaveLength(1);
    });

    it('opens no second chat when the answer to StartChatContact is lost after Connect opened it', async () => {
      // Prepare: Connect opens the chat on every attempt; no answer arrives
      const cleared = failEvery(
        'connect',
        '/contact/chat',
        dropAfterProcessing
      );
      const first = await text(CUSTOMER, FIRST);
      cleared();

      // Act: the next text waits for the first one's retry
      const second = await text(CUSTOMER, SECOND);
      const retried = await retry(first);
      const secondAgain = await retry(second);

      // Assess
      expect(first.response.batchItemFailures).toHaveLength(1);
      expect(second.response.batchItemFailures).toHaveLength(1);
      expect(retried).toEqual({ batchItemFailures: [] });
      expect(secondAgain).toEqual({ batchItemFailures: [] });
      const chats = bridge.chats.list();
      expect(chats).toHaveLength(1);
      expect(chats[0]?.messages.map((m) => m.Content)).toEqual([FIRST, SECOND]);
      expect(
        new Set(
          callsTo(bridge.connect.requests, '/contact/chat').map(
            ({ body }) => body.ClientToken
          )
        )
      ).toEqual(new Set([first.sms.inboundMessageId]));
      expect(bridge.inboundDeadLetters()).toEqual([]);
    }, 20_000);

    it('ends a chat opened half-way when the customer texts STOP', async () => {
      // Prepare
      const cleared = failEvery('connect', '/contact/start-streaming', () =>
        awsError(500, 'InternalServiceException')
      );
      await text(CUSTOMER, FIRST);
      cleared();

      // Act
      const { response } = await text(CUSTOMER, 'STOP');

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const [chat] = bridge.chats.list();
      expect(chat?.customerDisconnected).toBe(true);
      expect(
        (await bridge.sessionItems()).filter((item) => item.state !== undefined)
      ).toEqual([]);
    });
  });

  describe('order across batches', () => {
    const record = (body: string, publishedAt: Date) =>
      smsRecord(
        {
          originationNumber: CUSTOMER,
          destinationNumber: SALES_NUMBER,
          messageBody: body,
          inboundMessageId: randomUUID(),
        },
        { publishedAt }
      );
    /** Every SendMessage of a text with `body` meets a 500. */
    const failSending = (body: string) =>
      bridge.participant.always((request) =>
        request.path === '/participant/message' &&
        JSON.stringify(request.json).includes(body)
          ? awsError(500, 'InternalServiceException')
          : undefined
      );

    it("holds the customer's next text in another batch while a failed one waits", async () => {
      // Prepare: the chat is open; the second text's SendMessage fails
      const chat = await openChat();
      const second = record(
        'It was due on Monday',
        new Date(Date.now() + 1000)
      );
      const third = record('Any news?', new Date(Date.now() + 4000));
      failSending('It was due on Monday');
      await bridge.invokeInbound(sqsEvent(second));
      bridge.participant.always(undefined);

      // Act
      const response = await bridge.invokeInbound(sqsEvent(third));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: third.messageId }],
      });
      expect(chat.messages.map((m) => m.Content)).toEqual([
        'I need some help with my order',
      ]);
    });

    it('sends both once each, in order, when they come back', async () => {
      // Prepare
      const chat = await openChat();
      const second = record(
        'It was due on Monday',
        new Date(Date.now() + 1000)
      );
      const third = record('Any news?', new Date(Date.now() + 4000));
      failSending('It was due on Monday');
      await bridge.invokeInbound(sqsEvent(second));
      bridge.participant.always(undefined);
      await bridge.invokeInbound(sqsEvent(third));

      // Act: they come back in separate batches
      await bridge.invokeInbound(sqsEvent(second));
      const response = await bridge.invokeInbound(sqsEvent(third));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(chat.messages.map((m) => m.Content)).toEqual([
        'I need some help with my order',
        'It was due on Monday',
        'Any news?',
      ]);
    });
  });

  describe('agent to customer', () => {
    it('texts an agent message from the number the customer texted, as TRANSACTIONAL', async () => {
      // Prepare
      const chat = await openChat(CUSTOMER, SUPPORT_NUMBER);
      const content = 'Your parcel is on its way';

      // Act
      const response = await stream(chat, { role: 'AGENT', content });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sendTextMessageCalls().map((r) => r.json)).toEqual([
        {
          DestinationPhoneNumber: CUSTOMER,
          OriginationIdentity: SUPPORT_ARN,
          MessageBody: content,
          MessageType: 'TRANSACTIONAL',
        },
      ]);
    });

    it('splits a long reply at word boundaries into ordered parts', async () => {
      // Prepare
      const chat = await openChat();
      const words = Array.from({ length: 700 }, (_, i) => `word${i}`);

      // Act
      const response = await stream(chat, {
        role: 'AGENT',
        content: words.join(' '),
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const bodies = sendTextMessageCalls().map((r) =>
        String((r.json as { MessageBody?: unknown }).MessageBody)
      );
      expect(bodies.length).toBeGreaterThan(1);
      for (const body of bodies) expect(body.length).toBeLessThanOrEqual(1600);
      expect(bodies.join(' ').split(' ')).toEqual(words);
    });

    it('texts a list picker as its title, subtitle and numbered options', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        role: 'CUSTOM_BOT',
        contentType: INTERACTIVE,
        content: JSON.stringify(LIST_PICKER),
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sentBodies()).toEqual([
        [
          'What produce would you like to buy?',
          'Tap to select option',
          '1. Apple - $1.00',
          '2. Orange - $1.50',
          '3. Banana - $10.00',
        ].join('\n'),
      ]);
    });

    it('texts a notice for an interactive message it cannot render', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        role: 'CUSTOM_BOT',
        contentType: INTERACTIVE,
        content: JSON.stringify(APPLE_PAY),
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sentBodies()).toEqual([
        "The agent sent a message that can't be shown by text message.",
      ]);
    });

    it('texts a notice when the agent sends an attachment', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        role: 'AGENT',
        type: 'ATTACHMENT',
        contentType: 'application/pdf',
        attachments: [INVOICE],
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sentBodies()).toEqual([
        "The agent sent an attachment, which can't be shown by text message.",
      ]);
    });

    it('counts interactive messages and attachment notices in its metrics', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      await stream(chat, {
        role: 'CUSTOM_BOT',
        contentType: INTERACTIVE,
        content: JSON.stringify(LIST_PICKER),
      });
      await stream(chat, {
        role: 'CUSTOM_BOT',
        contentType: INTERACTIVE,
        content: JSON.stringify(APPLE_PAY),
      });
      await stream(chat, {
        role: 'AGENT',
        type: 'ATTACHMENT',
        contentType: 'application/pdf',
        attachments: [INVOICE],
      });

      // Assess
      const documents = emfDocuments(
        bridge.logs
          .filter(
            ({ fn, line }) =>
              fn === 'SmsConnectBridge-OutboundFunction' && line.startsWith('{')
          )
          .map(({ line }) => JSON.parse(line) as Record<string, unknown>)
      );
      expect(metricTotals(documents)).toEqual(
        expect.objectContaining({
          InteractiveMessagesSent: 1,
          UnsupportedMessageNoticesSent: 1,
          AttachmentNoticesSent: 1,
        })
      );
      for (const document of documents) {
        expect(document._aws).toEqual(
          expect.objectContaining({
            CloudWatchMetrics: [
              expect.objectContaining({
                Namespace: 'SmsConnectBridge',
                Dimensions: [['service']],
              }),
            ],
          })
        );
      }
    });

    it("does not echo the customer's own message back to them", async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        role: 'CUSTOMER',
        visibility: 'ALL',
        content: 'I need some help with my order',
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.smsVoice.requests).toEqual([]);
      expect(bridge.outboundDeadLetters()).toEqual([]);
    });

    it('removes the session and its connection token when the chat ends', async () => {
      // Prepare
      const chat = await openChat();

      // Act
      const response = await stream(chat, {
        type: 'EVENT',
        contentType: CHAT_ENDED,
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(await itemsHolding(chat.connections[0]?.token ?? '')).toEqual([]);
      expect(await contactItem(chat)).toEqual(
        expect.objectContaining({ ended: true })
      );
      expect(bridge.smsVoice.requests).toEqual([]);
    });

    it('opens a new chat for the next text after the chat ended', async () => {
      // Prepare
      const chat = await openChat();
      await stream(chat, { type: 'EVENT', contentType: CHAT_ENDED });
      bridge.chats.end(chat.contactId);

      // Act
      await text(CUSTOMER, 'One more thing about my order');

      // Assess
      expect(callsTo(bridge.connect.requests, '/contact/chat')).toHaveLength(2);
      expect(
        callsTo(bridge.participant.requests, '/participant/message')
      ).toEqual([]);
    });

    it('ends the chat of a customer who opted out, without retrying the reply', async () => {
      // Prepare
      const chat = await openChat();
      const token = chat.connections[0]?.token ?? '';
      bridge.smsVoice.state.endUserOptOut(CUSTOMER);

      // Act
      const response = await stream(chat, {
        role: 'AGENT',
        content: 'Are you still there?',
      });

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(
        bridge.smsVoice.exchanges.map(({ reply }) =>
          'body' in reply ? reply.body : undefined
        )
      ).toEqual([
        expect.objectContaining({
          __type: 'ConflictException',
          Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        }),
      ]);
      expect(
        callsTo(bridge.participant.requests, '/participant/disconnect').map(
          (call) => call.bearer
        )
      ).toEqual([token]);
      expect(chat.customerDisconnected).toBe(true);
      expect(await itemsHolding(token)).toEqual([]);
      expect(bridge.outboundDeadLetters()).toEqual([]);
    });
  });

  describe('a whole conversation', () => {
    /** Both directions, the expiry of a chat, an opt-out and a STOP. */
    const converse = async () => {
      const first = await openChat(CUSTOMER);
      await text(CUSTOMER, 'The tracking page shows nothing');
      await stream(first, { role: 'AGENT', content: 'Let me look into it' });
      await stream(first, {
        role: 'CUSTOMER',
        content: 'The tracking page shows nothing',
      });
      bridge.chats.end(first.contactId);
      await text(CUSTOMER, 'Hello again, any news?');
      const other = await openChat(OTHER_CUSTOMER, SUPPORT_NUMBER);
      bridge.smsVoice.state.endUserOptOut(OTHER_CUSTOMER);
      await stream(first, {
        role: 'CUSTOM_BOT',
        contentType: INTERACTIVE,
        content: JSON.stringify(LIST_PICKER),
      });
      await stream(first, {
        role: 'AGENT',
        type: 'ATTACHMENT',
        contentType: 'application/pdf',
        attachments: [INVOICE],
      });
      await stream(other, { role: 'AGENT', content: 'We have a refund' });
      await text(CUSTOMER, 'STOP');
    };

    it('never logs a token, a phone number or a message body', async () => {
      // Act
      await converse();

      // Assess
      const chats = bridge.chats.list();
      expect(chats).toHaveLength(3);
      const secrets = [
        ...chats.flatMap((chat) => [
          chat.participantToken,
          ...chat.connections.map(({ token }) => token),
        ]),
        CUSTOMER,
        OTHER_CUSTOMER,
        SALES_NUMBER,
        SUPPORT_NUMBER,
        ...chats.flatMap((chat) => chat.messages.map((m) => m.Content)),
        'Let me look into it',
        'We have a refund',
        LIST_PICKER.data.content.title,
        INVOICE.AttachmentName,
      ];
      expect(bridge.logs.map(({ fn }) => fn)).toEqual(
        expect.arrayContaining([
          'SmsConnectBridge-Function',
          'SmsConnectBridge-OutboundFunction',
        ])
      );
      const leaks = bridge.logs.filter(({ line }) =>
        secrets.some(
          (secret) =>
            line.includes(secret) ||
            line.includes(secret.slice(1)) ||
            line.includes(JSON.stringify(secret).slice(1, -1))
        )
      );
      expect(leaks).toEqual([]);
    });

    it('calls no AWS service but the local ones', async () => {
      // Act
      await converse();

      // Assess
      expect(bridge.otherServices.requests).toEqual([]);
      expect(bridge.inboundDeadLetters()).toEqual([]);
      expect(bridge.outboundDeadLetters()).toEqual([]);
    });
  });
});
