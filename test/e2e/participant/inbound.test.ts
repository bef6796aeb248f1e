import { captureLogs } from '../../../tools/harness/log-capture';
import { connectChatResponder } from '../../../tools/local-aws/connect-chat';
import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import {
  BRIDGE_NUMBER,
  CONTACT_ATTRIBUTES,
  CONTACT_FLOW_ID,
  INSTANCE_ID,
  OTHER_BRIDGE_NUMBER,
  OTHER_CONTACT_FLOW_ID,
  STREAMING_TOPIC_ARN,
} from '../../support/local-participant-mode';
import {
  customerNumbers,
  newRequests,
  useLocalParticipantMode,
} from '../../support/local-participant-suite';

const newCustomer = customerNumbers('+1206555', 10);

describe('participant mode, customer to agent (inbound)', () => {
  const local = useLocalParticipantMode();

  it('opens a chat with the first text as its initial message', async () => {
    // Prepare
    const customer = newCustomer();
    const requests = newRequests(local.connect);

    // Act
    const result = await local.text({
      from: customer,
      body: 'My parcel never arrived',
      id: 'first-text-1',
    });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(
      callsTo(requests(), '/contact/chat').map(({ body }) => body)
    ).toEqual([
      {
        InstanceId: INSTANCE_ID,
        ContactFlowId: CONTACT_FLOW_ID,
        ParticipantDetails: { DisplayName: customer },
        Attributes: {
          ...CONTACT_ATTRIBUTES,
          customerPhoneNumber: customer,
          systemPhoneNumber: BRIDGE_NUMBER,
        },
        InitialMessage: {
          ContentType: 'text/plain',
          Content: 'My parcel never arrived',
        },
        SupportedMessagingContentTypes: ['text/plain'],
        ClientToken: 'first-text-1',
      },
    ]);
  });

  it("streams a new chat to the stack's streaming topic", async () => {
    // Prepare
    const requests = newRequests(local.connect);

    // Act
    await local.text({ from: newCustomer(), body: 'Hello there' });

    // Assess
    const [chat] = local.chats.list().slice(-1);
    expect(
      callsTo(requests(), '/contact/start-streaming').map(({ body }) => body)
    ).toEqual([
      {
        InstanceId: INSTANCE_ID,
        ContactId: chat?.contactId,
        ChatStreamingConfiguration: {
          StreamingEndpointArn: STREAMING_TOPIC_ARN,
        },
        ClientToken: expect.any(String),
      },
    ]);
  });

  it('connects the customer with the participant token of the new chat', async () => {
    // Prepare
    const requests = newRequests(local.participant);

    // Act
    await local.text({ from: newCustomer(), body: 'Hello there' });

    // Assess
    const [chat] = local.chats.list().slice(-1);
    expect(callsTo(requests(), '/participant/connection')).toEqual([
      {
        bearer: chat?.participantToken,
        body: { Type: ['CONNECTION_CREDENTIALS'], ConnectParticipant: true },
      },
    ]);
  });

  it('stores the chat as the active session with its participant and connection tokens', async () => {
    // Prepare
    const customer = newCustomer();

    // Act
    await local.text({ from: customer, body: 'Hello there', id: 'hello-1' });

    // Assess
    const [chat] = local.chats.list().slice(-1);
    expect(await local.session(customer)).toEqual({
      state: 'active',
      contactId: chat?.contactId,
      connectionToken: chat?.connections[0]?.token,
      connectionExpiresAt: Math.floor(
        (chat?.connections[0]?.expiresAt ?? 0) / 1000
      ),
      participantToken: chat?.participantToken,
      openedBy: 'hello-1',
    });
  });

  it('sends the next text to the open chat with its connection token', async () => {
    // Prepare
    const customer = newCustomer();
    await local.text({ from: customer, body: 'First question' });
    const [chat] = local.chats.list().slice(-1);
    const chatsBefore = local.chats.list().length;
    const requests = newRequests(local.participant);

    // Act
    const result = await local.text({ from: customer, body: 'And another' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(local.chats.list()).toHaveLength(chatsBefore);
    expect(callsTo(requests(), '/participant/message')).toEqual([
      {
        bearer: chat?.connections[0]?.token,
        body: {
          ContentType: 'text/plain',
          Content: 'And another',
          ClientToken: expect.any(String),
        },
      },
    ]);
    expect(chat?.messages.map((m) => m.Content)).toEqual([
      'First question',
      'And another',
    ]);
  });

  it('opens a separate chat, in its own flow, for each number the customer texts', async () => {
    // Prepare
    const customer = newCustomer();
    const requests = newRequests(local.connect);

    // Act
    await local.text({ from: customer, to: BRIDGE_NUMBER, body: 'Sales?' });
    await local.text({
      from: customer,
      to: OTHER_BRIDGE_NUMBER,
      body: 'Help?',
    });

    // Assess
    const starts = callsTo(requests(), '/contact/chat');
    expect(starts.map(({ body }) => body.ContactFlowId)).toEqual([
      CONTACT_FLOW_ID,
      OTHER_CONTACT_FLOW_ID,
    ]);
    const first = await local.session(customer, BRIDGE_NUMBER);
    const second = await local.session(customer, OTHER_BRIDGE_NUMBER);
    expect(first?.state === 'active' && first.contactId).not.toEqual(
      second?.state === 'active' && second.contactId
    );
  });

  it('opens one chat for two first texts that arrive together', async () => {
    // Prepare: the start is slow, so the second text arrives during it
    const customer = newCustomer();
    const respond = connectChatResponder(local.chats);
    local.connect.queue((request) => ({
      ...(respond(request) as { status: number; body: unknown }),
      delayMs: 300,
    }));
    const requests = newRequests(local.connect);

    // Act
    const results = await Promise.all([
      local.text({ from: customer, body: 'Is anyone there?' }),
      local.text({ from: customer, body: 'Hello??' }),
    ]);

    // Assess
    expect(results).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect(callsTo(requests(), '/contact/chat')).toHaveLength(1);
    const [chat] = local.chats.list().slice(-1);
    expect(chat?.messages.map((m) => m.Content).sort()).toEqual([
      'Hello??',
      'Is anyone there?',
    ]);
  });

  it('replaces a chat that has ended with a new one that carries the text', async () => {
    // Prepare
    const customer = newCustomer();
    await local.text({ from: customer, body: 'Before the break' });
    const [ended] = local.chats.list().slice(-1);
    local.chats.end(ended?.contactId ?? '');

    // Act
    const result = await local.text({
      from: customer,
      body: 'After the break',
    });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [replacement] = local.chats.list().slice(-1);
    expect(replacement?.contactId).not.toEqual(ended?.contactId);
    expect(ended?.messages.map((m) => m.Content)).toEqual(['Before the break']);
    expect(replacement?.messages.map((m) => m.Content)).toEqual([
      'After the break',
    ]);
    expect(await local.session(customer)).toMatchObject({
      state: 'active',
      contactId: replacement?.contactId,
    });
  });

  it('opens the chat once when its start is retried after a transient failure', async () => {
    // Prepare: starting the chat works, streaming it fails on every attempt
    const customer = newCustomer();
    const serverError = awsError(500, 'InternalServiceException');
    local.connect.queue(
      (request) => connectChatResponder(local.chats)(request),
      serverError,
      serverError,
      serverError
    );
    const first = await local.text({
      from: customer,
      body: 'Try again',
      id: 'retried-text',
    });
    const chatsBefore = local.chats.list().length;

    // Act: the queue redelivers the same text
    const retry = await local.text({
      from: customer,
      body: 'Try again',
      id: 'retried-text',
    });

    // Assess
    expect(first?.batchItemFailures).toHaveLength(1);
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(local.chats.list()).toHaveLength(chatsBefore);
    const [chat] = local.chats.list().slice(-1);
    expect(chat?.messages.map((m) => m.Content)).toEqual(['Try again']);
    expect(await local.session(customer)).toMatchObject({
      state: 'active',
      contactId: chat?.contactId,
    });
  });

  it('takes over a chat start that a failed invocation left unfinished', async () => {
    // Prepare: a marker two minutes old, as a crashed invocation leaves it
    const customer = newCustomer();
    const now = Date.now();
    await local.putItem({
      pk: { S: `session#${customer}#${BRIDGE_NUMBER}#connect:sms` },
      state: { S: 'starting' },
      claimedBy: { S: 'crashed-invocation' },
      claimedAt: { N: String(now - 120_000) },
      expiration: { N: String(Math.floor(now / 1000) + 3600) },
    });

    // Act
    const result = await local.text({ from: customer, body: 'Still there?' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await local.session(customer)).toMatchObject({ state: 'active' });
  });

  it('treats a session past its TTL as gone, even before DynamoDB deletes it', async () => {
    // Prepare: DynamoDB's TTL deletion can lag by days
    const customer = newCustomer();
    await local.putItem({
      pk: { S: `session#${customer}#${BRIDGE_NUMBER}#connect:sms` },
      state: { S: 'active' },
      contactId: { S: 'yesterdays-contact' },
      connectionToken: { S: 'yesterdays-token' },
      expiration: { N: String(Math.floor(Date.now() / 1000) - 60) },
    });
    const requests = newRequests(local.participant);

    // Act
    const result = await local.text({ from: customer, body: 'Good morning' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(callsTo(requests(), '/participant/message')).toEqual([]);
    const [chat] = local.chats.list().slice(-1);
    expect(chat?.messages.map((m) => m.Content)).toEqual(['Good morning']);
    expect(await local.session(customer)).toMatchObject({
      state: 'active',
      contactId: chat?.contactId,
    });
  });

  it('leaves a text for redelivery while another invocation is opening the chat', async () => {
    // Prepare: a fresh marker of an invocation that is still starting
    const customer = newCustomer();
    const now = Date.now();
    await local.putItem({
      pk: { S: `session#${customer}#${BRIDGE_NUMBER}#connect:sms` },
      state: { S: 'starting' },
      claimedBy: { S: 'slow-invocation' },
      claimedAt: { N: String(now) },
      expiration: { N: String(Math.floor(now / 1000) + 3600) },
    });
    const requests = newRequests(local.connect);
    const deadLetters = local.inboundDeadLetters().length;

    // Act
    const result = await local.text({ from: customer, body: 'Hurry up' });

    // Assess
    expect(result?.batchItemFailures).toHaveLength(1);
    expect(requests()).toEqual([]);
    expect(local.inboundDeadLetters()).toHaveLength(deadLetters);
  });

  it('ends the chat as the customer when they text an opt-out keyword', async () => {
    // Prepare
    const customer = newCustomer();
    await local.text({ from: customer, body: 'Hello there' });
    const [chat] = local.chats.list().slice(-1);
    const requests = newRequests(local.participant);
    const chatsBefore = local.chats.list().length;

    // Act
    const result = await local.text({ from: customer, body: 'STOP' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(callsTo(requests(), '/participant/disconnect')).toEqual([
      {
        bearer: chat?.connections[0]?.token,
        body: { ClientToken: expect.any(String) },
      },
    ]);
    expect(chat?.customerDisconnected).toBe(true);
    expect(local.chats.list()).toHaveLength(chatsBefore);
    expect(await local.session(customer)).toBeUndefined();
  });

  it('calls nothing for an opt-out keyword when the customer has no chat', async () => {
    // Prepare
    const connectRequests = newRequests(local.connect);
    const participantRequests = newRequests(local.participant);

    // Act
    const result = await local.text({ from: newCustomer(), body: 'Stop.' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(connectRequests()).toEqual([]);
    expect(participantRequests()).toEqual([]);
  });

  it('dead-letters a text to a number with no flow, calling nothing', async () => {
    // Prepare
    const requests = newRequests(local.connect);
    const deadLetters = local.inboundDeadLetters().length;

    // Act
    const result = await local.text({
      from: newCustomer(),
      to: '+12065550199',
      body: 'Wrong number',
    });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(requests()).toEqual([]);
    const letters = local.inboundDeadLetters().slice(deadLetters);
    expect(letters.map((l) => l.MessageAttributes.failureReason)).toEqual([
      { DataType: 'String', StringValue: 'unknown-destination' },
    ]);
  });

  it('dead-letters a text whose chat Connect refuses and frees the session', async () => {
    // Prepare
    const customer = newCustomer();
    local.connect.queue(
      awsError(404, 'ResourceNotFoundException', 'contact flow not found')
    );
    const deadLetters = local.inboundDeadLetters().length;

    // Act
    const result = await local.text({ from: customer, body: 'Anyone?' });

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const letters = local.inboundDeadLetters().slice(deadLetters);
    expect(letters.map((l) => l.MessageAttributes.failureReason)).toEqual([
      { DataType: 'String', StringValue: 'connect-rejected' },
    ]);
    expect(await local.session(customer)).toBeUndefined();
  });

  it('never logs a participant or connection token', async () => {
    // Prepare
    const customer = newCustomer();
    const capture = captureLogs();

    // Act
    await capture.during(async () => {
      await local.text({ from: customer, body: 'One' });
      await local.text({ from: customer, body: 'Two' });
      await local.text({ from: customer, body: 'STOP' });
    });

    // Assess
    const [chat] = local.chats.list().slice(-1);
    const secrets = [
      chat?.participantToken ?? 'missing',
      ...(chat?.connections.map(({ token }) => token) ?? []),
    ];
    expect(capture.lines.length).toBeGreaterThan(0);
    expect(
      capture.lines.filter(({ line }) => secrets.some((s) => line.includes(s)))
    ).toEqual([]);
  });
});
