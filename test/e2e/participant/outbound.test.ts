import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { localDynamoDbClient } from '../../../tools/harness/dynalite';
import { sqsRecord } from '../../../tools/harness/events';
import { captureLogs } from '../../../tools/harness/log-capture';
import type { LocalChat } from '../../../tools/local-aws/connect-chat';
import { awsError, callsTo } from '../../../tools/local-aws/endpoint';
import { runKeyedByJmesPath } from '../../support/jmespath-keyed-record';
import {
  BRIDGE_NUMBER,
  OTHER_BRIDGE_NUMBER,
  OUTBOUND_FUNCTION_NAME,
  streamedRecord,
} from '../../support/local-participant-mode';
import {
  customerNumbers,
  useLocalParticipantMode,
} from '../../support/local-participant-suite';

const CHAT_ENDED = 'application/vnd.amazonaws.connect.event.chat.ended';
const PARTICIPANT_LEFT =
  'application/vnd.amazonaws.connect.event.participant.left';
const TYPING = 'application/vnd.amazonaws.connect.event.typing';

const newCustomer = customerNumbers('+1425555', 10);

describe('participant mode, agent to customer (outbound)', () => {
  const local = useLocalParticipantMode();

  /** A customer texts in, which opens their chat. */
  const openChat = async (customer: string, to = BRIDGE_NUMBER) => {
    await local.text({ from: customer, to, body: 'I need some help' });
    return local.chats.list().slice(-1)[0] as LocalChat;
  };

  const sentFrom = () => {
    const start = local.smsVoice.state.sentTextMessages.length;
    return () =>
      local.smsVoice.state.sentTextMessages.slice(start).map((m) => m.input);
  };

  it('texts an agent reply to the customer from the number they texted', async () => {
    // Prepare
    const customer = newCustomer();
    const chat = await openChat(customer, OTHER_BRIDGE_NUMBER);
    const sent = sentFrom();

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        content: 'Your parcel is on its way',
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([
      {
        DestinationPhoneNumber: customer,
        OriginationIdentity: local.numberArns[OTHER_BRIDGE_NUMBER],
        MessageBody: 'Your parcel is on its way',
        MessageType: 'TRANSACTIONAL',
      },
    ]);
  });

  it.each([
    ['SYSTEM', 'CUSTOMER'],
    ['CUSTOM_BOT', 'ALL'],
  ] as const)(
    'texts a %s message with visibility %s',
    async (role, visibility) => {
      // Prepare
      const chat = await openChat(newCustomer());
      const sent = sentFrom();

      // Act
      await local.stream(
        streamedRecord({
          contactId: chat.contactId,
          role,
          visibility,
          content: 'Thanks for waiting',
        })
      );

      // Assess
      expect(sent().map((m) => m.MessageBody)).toEqual(['Thanks for waiting']);
    }
  );

  it('splits a reply over 1,600 characters at word boundaries into ordered parts', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`);
    const sent = sentFrom();

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        content: words.join(' '),
      })
    );

    // Assess
    const bodies = sent().map((m) => String(m.MessageBody));
    expect(bodies.length).toBeGreaterThan(2);
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(1600);
    expect(bodies.join(' ').split(' ')).toEqual(words);
  });

  it("does not echo the customer's own message back to them", async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const sent = sentFrom();

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'CUSTOMER',
        visibility: 'ALL',
        content: 'I need some help',
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([]);
  });

  it('does not text a message only agents may see', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const sent = sentFrom();

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        visibility: 'AGENT',
        content: 'Internal note',
      })
    );

    // Assess
    expect(sent()).toEqual([]);
  });

  it('does not text typing indicators or other events', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const sent = sentFrom();

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        type: 'EVENT',
        contentType: TYPING,
      }),
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        type: 'EVENT',
        contentType:
          'application/vnd.amazonaws.connect.event.participant.joined',
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([]);
  });

  it('finds the chat by its initial contact after a transfer', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const sent = sentFrom();

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        currentContactId: 'transferred-contact-0001',
        role: 'AGENT',
        content: 'Billing here, how can I help?',
      })
    );

    // Assess
    expect(sent().map((m) => m.MessageBody)).toEqual([
      'Billing here, how can I help?',
    ]);
  });

  it('removes the session and its connection token when the chat ends', async () => {
    // Prepare
    const customer = newCustomer();
    const chat = await openChat(customer);

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'SYSTEM',
        type: 'EVENT',
        contentType: CHAT_ENDED,
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await local.session(customer)).toBeUndefined();
    expect(await local.sessions.getContact(chat.contactId)).toMatchObject({
      ended: true,
    });
  });

  it('opens a new chat for the next text after the chat ended', async () => {
    // Prepare
    const customer = newCustomer();
    const chat = await openChat(customer);
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'SYSTEM',
        type: 'EVENT',
        contentType: CHAT_ENDED,
      })
    );

    // Act
    await local.text({ from: customer, body: 'One more thing' });

    // Assess
    const [next] = local.chats.list().slice(-1);
    expect(next?.contactId).not.toEqual(chat.contactId);
    expect(next?.messages.map((m) => m.Content)).toEqual(['One more thing']);
  });

  it('removes the session when the customer leaves the chat', async () => {
    // Prepare
    const customer = newCustomer();
    const chat = await openChat(customer);

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'CUSTOMER',
        type: 'EVENT',
        contentType: PARTICIPANT_LEFT,
      })
    );

    // Assess
    expect(await local.session(customer)).toBeUndefined();
  });

  it('keeps the session when an agent leaves the chat', async () => {
    // Prepare
    const customer = newCustomer();
    const chat = await openChat(customer);

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        type: 'EVENT',
        contentType: PARTICIPANT_LEFT,
      })
    );

    // Assess
    expect(await local.session(customer)).toMatchObject({
      state: 'active',
      contactId: chat.contactId,
    });
  });

  it('still texts a reply that reaches the queue after the end of its chat', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'SYSTEM',
        type: 'EVENT',
        contentType: CHAT_ENDED,
      })
    );
    const sent = sentFrom();

    // Act
    await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        content: 'Goodbye and thanks',
      })
    );

    // Assess
    expect(sent().map((m) => m.MessageBody)).toEqual(['Goodbye and thanks']);
  });

  describe('when the customer has opted out of SMS', () => {
    const optOut = (customer: string) =>
      local.smsVoice.state.respond({
        method: 'POST',
        path: '/',
        headers: { 'x-amz-target': 'PinpointSMSVoiceV2.PutOptedOutNumber' },
        body: '',
        json: { OptOutListName: 'Default', OptedOutNumber: customer },
      });

    it('ends the chat and removes the session without retrying', async () => {
      // Prepare
      const customer = newCustomer();
      const chat = await openChat(customer);
      optOut(customer);
      const disconnects = callsTo(
        local.participant.requests,
        '/participant/disconnect'
      ).length;
      const deadLetters = local.outboundDeadLetters().length;

      // Act
      const result = await local.stream(
        streamedRecord({
          contactId: chat.contactId,
          role: 'AGENT',
          content: 'Are you still there?',
        })
      );

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(
        callsTo(local.participant.requests, '/participant/disconnect')
          .slice(disconnects)
          .map((call) => call.bearer)
      ).toEqual([chat.connections[0]?.token]);
      expect(chat.customerDisconnected).toBe(true);
      expect(await local.session(customer)).toBeUndefined();
      expect(local.outboundDeadLetters()).toHaveLength(deadLetters);
    });

    it('texts them no later reply of the chat', async () => {
      // Prepare
      const customer = newCustomer();
      const chat = await openChat(customer);
      optOut(customer);
      await local.stream(
        streamedRecord({
          contactId: chat.contactId,
          role: 'AGENT',
          content: 'Are you still there?',
        })
      );
      const attempts = local.smsVoice.requests.length;

      // Act
      await local.stream(
        streamedRecord({
          contactId: chat.contactId,
          role: 'AGENT',
          content: 'Closing this chat now',
        })
      );

      // Assess
      expect(local.smsVoice.requests.length).toBe(attempts);
    });

    it('logs the event without the phone number', async () => {
      // Prepare
      const customer = newCustomer();
      const chat = await openChat(customer);
      optOut(customer);
      const capture = captureLogs();

      // Act
      await capture.during(() =>
        local.stream(
          streamedRecord({
            contactId: chat.contactId,
            role: 'AGENT',
            content: 'Are you still there?',
          })
        )
      );

      // Assess
      const lines = capture.lines.map(({ line }) => line);
      expect(lines.some((line) => line.includes('"opted-out"'))).toBe(true);
      expect(lines.filter((line) => line.includes(customer.slice(1)))).toEqual(
        []
      );
    });
  });

  it('texts a reply once when the queue delivers it twice', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    const record = streamedRecord({
      contactId: chat.contactId,
      role: 'AGENT',
      content: 'Only once please',
      id: 'duplicated-item',
    });
    const sent = sentFrom();

    // Act
    await local.stream(record);
    await local.stream(record);

    // Assess
    expect(sent().map((m) => m.MessageBody)).toEqual(['Only once please']);
  });

  it('does not text a reply again that an earlier release marked sent', async () => {
    // Prepare: marked under the key an earlier release picked from the part
    // through eventKeyJmesPath
    const customer = newCustomer();
    const chat = await openChat(customer);
    const client = localDynamoDbClient(local.dynamoDbUrl);
    const marked = await runKeyedByJmesPath({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: local.sessionTable,
        keyAttr: 'pk',
        awsSdkV3Client: client,
      }),
      eventKeyJmesPath: 'key',
      // Powertools' default prefix: the name of the function it ran in
      keyPrefix: OUTBOUND_FUNCTION_NAME,
      payload: {
        key: 'item-sent-before-the-upgrade#0',
        to: customer,
        fromArn: local.numberArns[BRIDGE_NUMBER],
        body: 'Sent before the upgrade',
      },
      result: { messageId: 'sent-before-the-upgrade' },
    }).finally(() => client.destroy());
    const sent = sentFrom();

    // Act: the queue redelivers the item to the new release
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        content: 'Sent before the upgrade',
        id: 'item-sent-before-the-upgrade',
      })
    );

    // Assess
    expect(marked).toBe(true);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([]);
  });

  it('resends only the part that failed when a long reply is retried', async () => {
    // Prepare: the first part goes out, the second fails on every attempt
    const chat = await openChat(newCustomer());
    const words = Array.from({ length: 300 }, (_, i) => `part${i}`);
    const record = streamedRecord({
      contactId: chat.contactId,
      role: 'AGENT',
      content: words.join(' '),
    });
    const throttled = awsError(400, 'ThrottlingException', 'slow down');
    local.smsVoice.queue(
      (request) => local.smsVoice.state.respond(request),
      throttled,
      throttled,
      throttled
    );
    const sent = sentFrom();
    const first = await local.stream(record);

    // Act
    const retry = await local.stream(record);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retry).toEqual({ batchItemFailures: [] });
    const bodies = sent().map((m) => String(m.MessageBody));
    expect(bodies).toHaveLength(2);
    expect(bodies.join(' ').split(' ')).toEqual(words);
  });

  it('dead-letters a reply for a contact the bridge does not know', async () => {
    // Prepare
    const deadLetters = local.outboundDeadLetters().length;
    const sent = sentFrom();

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: 'unknown-contact-0001',
        role: 'AGENT',
        content: 'Hello stranger',
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([]);
    expect(
      local
        .outboundDeadLetters()
        .slice(deadLetters)
        .map((l) => l.MessageAttributes.failureReason?.StringValue)
    ).toEqual(['unknown-destination']);
  });

  it('dead-letters a record that is not a streamed chat item', async () => {
    // Prepare
    const deadLetters = local.outboundDeadLetters().length;

    // Act
    const result = await local.stream(sqsRecord('not json at all'));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(
      local
        .outboundDeadLetters()
        .slice(deadLetters)
        .map((l) => l.MessageAttributes.failureReason?.StringValue)
    ).toEqual(['invalid-payload']);
  });

  it('dead-letters a reply End User Messaging rejects as invalid', async () => {
    // Prepare
    const chat = await openChat(newCustomer());
    local.smsVoice.queue(
      awsError(400, 'ValidationException', 'invalid origination identity')
    );
    const deadLetters = local.outboundDeadLetters().length;

    // Act
    const result = await local.stream(
      streamedRecord({
        contactId: chat.contactId,
        role: 'AGENT',
        content: 'This one is refused',
      })
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(local.outboundDeadLetters()).toHaveLength(deadLetters + 1);
  });
});
