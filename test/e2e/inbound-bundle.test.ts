import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../lambda/shared/settings';
import { localDynamoDbClient } from '../../tools/harness/dynalite';
import {
  inboundSms,
  smsRecord,
  snsEvent,
  sqsEvent,
} from '../../tools/harness/events';
import {
  type LocalBridge,
  startLocalBridge,
} from '../../tools/harness/local-bridge';
import { nodeProcess, setEnvironment } from '../../tools/harness/sandbox';
import {
  type InboundFunction,
  readInboundFunction,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { awsError, type RecordedRequest } from '../../tools/local-aws/endpoint';
import { runKeyedByJmesPath } from '../support/jmespath-keyed-record';

const ACCOUNT = '111122223333';
const BRIDGE_NUMBER = '+12065550100';
const BRIDGE_NUMBER_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;
const UNKNOWN_NUMBER = '+12065550177';
const CUSTOMER = '+14255550182';
const OTHER_CUSTOMER = '+14255550143';

/** What `-c key=value` gives the app: strings, objects as JSON. */
const CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
  systemNumberAttribute: 'smsLine',
};

/** The chat a customer's texts to the bridge's number belong to. */
const chatOf = (customer: string) => ({
  SourceId: customer,
  DestinationId: BRIDGE_NUMBER_ARN,
  Subtype: 'connect:sms',
});

const newSessionDetails = (customer: string) => ({
  SupportedMessagingContentTypes: ['text/plain'],
  ParticipantDetails: { DisplayName: customer },
  Attributes: {
    channel: 'sms',
    customerPhoneNumber: customer,
    smsLine: BRIDGE_NUMBER,
  },
});

const textFrom = (customer: string, messageBody: string) =>
  inboundSms({
    originationNumber: customer,
    destinationNumber: BRIDGE_NUMBER,
    messageBody,
  });

const attributesOf = (bridge: LocalBridge) =>
  bridge
    .deadLetters()
    .map(({ MessageAttributes }) =>
      Object.fromEntries(
        Object.entries(MessageAttributes).map(([name, { StringValue }]) => [
          name,
          StringValue,
        ])
      )
    );

/** The bundle's JSON log lines (Powertools Logger and metrics). */
const jsonLogs = (bridge: LocalBridge) =>
  bridge.logs
    .filter(({ line }) => line.startsWith('{'))
    .map(({ line }) => JSON.parse(line) as Record<string, unknown>);

describe('the synthesized inbound bundle against local endpoints', () => {
  let outdir: string;
  let fn: InboundFunction;
  let bridge: LocalBridge;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-e2e-'));
    fn = readInboundFunction(synthesizeBridge(CONTEXT, outdir));
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    bridge = await startLocalBridge({ fn });
  });

  afterEach(async () => {
    await bridge.close();
  });

  describe('requests on the wire', () => {
    it('starts a chat with the first text, with NewSessionDetails', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Hello, my order has not arrived');

      // Act
      const response = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toHaveLength(1);
      const [request] = bridge.connect.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/chat-integration-event');
      expect(request?.json).toEqual({
        ...chatOf(CUSTOMER),
        Event: {
          Type: 'MESSAGE',
          ContentType: 'text/plain',
          Content: 'Hello, my order has not arrived',
        },
        NewSessionDetails: newSessionDetails(CUSTOMER),
      });
    });

    it("gives a new chat the customer's number and the number texted as attributes, beside contactAttributes", async () => {
      // Act
      await bridge.invoke(
        sqsEvent(smsRecord(textFrom(OTHER_CUSTOMER, 'Where is my parcel?')))
      );

      // Assess
      const [request] = bridge.connect.accepted();
      expect(
        (request?.NewSessionDetails as { Attributes?: unknown } | undefined)
          ?.Attributes
      ).toEqual({
        channel: 'sms',
        customerPhoneNumber: OTHER_CUSTOMER,
        smsLine: BRIDGE_NUMBER,
      });
    });

    it("leaves the customer's number out of a new chat when it is switched off", async () => {
      // Prepare: as -c includeCustomerNumber=false sets it
      await bridge.close();
      bridge = await startLocalBridge({
        fn,
        environment: {
          NUMBER_ATTRIBUTES: JSON.stringify({
            customerNumber: null,
            systemNumber: 'smsLine',
          }),
        },
      });

      // Act
      await bridge.invoke(
        sqsEvent(smsRecord(textFrom(CUSTOMER, 'Where is my parcel?')))
      );

      // Assess
      const [request] = bridge.connect.accepted();
      expect(
        (request?.NewSessionDetails as { Attributes?: unknown } | undefined)
          ?.Attributes
      ).toEqual({ channel: 'sms', smsLine: BRIDGE_NUMBER });
    });

    it('logs neither number it puts in the attributes', async () => {
      // Act
      await bridge.invoke(
        sqsEvent(smsRecord(textFrom(CUSTOMER, 'Where is my parcel?')))
      );

      // Assess
      expect(
        bridge.logs.filter(
          ({ line }) => line.includes(CUSTOMER) || line.includes(BRIDGE_NUMBER)
        )
      ).toEqual([]);
    });

    it('sends emoji, accents and new lines byte for byte', async () => {
      // Prepare
      const body = 'Ça marche 👍🏽 merci !\nÀ demain,\r\n— Zoë 🇫🇷';
      const sms = textFrom(CUSTOMER, body);
      // The SDK writes members in its model's order.
      const expected = JSON.stringify({
        SourceId: CUSTOMER,
        DestinationId: BRIDGE_NUMBER_ARN,
        Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: body },
        Subtype: 'connect:sms',
        NewSessionDetails: newSessionDetails(CUSTOMER),
      });

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      const [request] = bridge.connect.requests;
      expect(request?.body).toBe(expected);
      expect(request?.headers['content-length']).toBe(
        String(Buffer.byteLength(expected, 'utf8'))
      );
    });

    it('disconnects on STOP, without NewSessionDetails', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'STOP');

      // Act
      const response = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests.map(({ json }) => json)).toEqual([
        { ...chatOf(CUSTOMER), Event: { Type: 'DISCONNECT' } },
      ]);
    });

    it('disconnects on a text that is the keyword with punctuation', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Stop!');

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(bridge.connect.requests.map(({ json }) => json)).toEqual([
        { ...chatOf(CUSTOMER), Event: { Type: 'DISCONNECT' } },
      ]);
    });

    it('forwards a text that begins with the keyword as a message', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Stop please');

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(bridge.connect.requests.map(({ json }) => json)).toEqual([
        {
          ...chatOf(CUSTOMER),
          Event: {
            Type: 'MESSAGE',
            ContentType: 'text/plain',
            Content: 'Stop please',
          },
          NewSessionDetails: newSessionDetails(CUSTOMER),
        },
      ]);
    });

    it('forwards a text that ends with the keyword as a message', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'please stop');

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(bridge.connect.requests.map(({ json }) => json)).toEqual([
        {
          ...chatOf(CUSTOMER),
          Event: {
            Type: 'MESSAGE',
            ContentType: 'text/plain',
            Content: 'please stop',
          },
          NewSessionDetails: newSessionDetails(CUSTOMER),
        },
      ]);
    });

    it('reads a record delivered raw as it reads the SNS envelope', async () => {
      // Prepare
      const enveloped = textFrom(CUSTOMER, 'Sent through the envelope');
      const raw = textFrom(OTHER_CUSTOMER, 'Sent with raw delivery on');

      // Act
      const response = await bridge.invoke(
        sqsEvent(smsRecord(enveloped), smsRecord(raw, { raw: true }))
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests.map(({ json }) => json)).toMatchObject([
        { SourceId: CUSTOMER, Event: { Content: 'Sent through the envelope' } },
        {
          SourceId: OTHER_CUSTOMER,
          Event: { Content: 'Sent with raw delivery on' },
        },
      ]);
    });

    it('accepts a direct SNS event', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Straight from the topic');

      // Act
      const response = await bridge.invoke(snsEvent(sms));

      // Assess
      expect(response).toBeUndefined();
      expect(bridge.connect.accepted()).toEqual([
        {
          ...chatOf(CUSTOMER),
          Event: {
            Type: 'MESSAGE',
            ContentType: 'text/plain',
            Content: 'Straight from the topic',
          },
          NewSessionDetails: newSessionDetails(CUSTOMER),
        },
      ]);
    });

    it('calls no AWS service but Connect, SQS and DynamoDB', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Is anyone there?');

      // Act
      await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(bridge.connect.accepted()).toHaveLength(1);
      expect(bridge.otherServices.requests).toEqual([]);
    });
  });

  describe('texts over 1,024 characters', () => {
    /** A text of 1,500 characters or so, in words that say their place. */
    const longText = () =>
      Array.from(
        { length: 150 },
        (_, i) => `word${String(i).padStart(4, '0')}`
      );

    const contentsOf = (events: Record<string, unknown>[]) =>
      events.map(
        (event) => (event.Event as { Content?: string }).Content ?? ''
      );

    it('sends a long text as ordered MESSAGE events, split at word boundaries', async () => {
      // Prepare
      const words = longText();
      const sms = textFrom(CUSTOMER, words.join(' '));

      // Act
      const response = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      const accepted = bridge.connect.accepted();
      expect(accepted).toHaveLength(2);
      expect(accepted).toEqual(
        accepted.map(() =>
          expect.objectContaining({
            ...chatOf(CUSTOMER),
            Event: expect.objectContaining({
              Type: 'MESSAGE',
              ContentType: 'text/plain',
            }),
            NewSessionDetails: newSessionDetails(CUSTOMER),
          })
        )
      );
      const contents = contentsOf(accepted);
      for (const content of contents) {
        expect(content.length).toBeLessThanOrEqual(1024);
      }
      expect(contents.join(' ').split(' ')).toEqual(words);
      expect(bridge.deadLetters()).toEqual([]);
    });

    it('sends only the parts not yet sent when a long text is retried', async () => {
      // Prepare: Connect takes the first part, then fails until the retry
      const sms = textFrom(CUSTOMER, longText().join(' '));
      const record = smsRecord(sms);
      let calls = 0;
      bridge.connect.always(() =>
        calls++ === 0 ? undefined : awsError(500, 'InternalServiceException')
      );
      const failed = await bridge.invoke(sqsEvent(record));
      bridge.connect.always(undefined);

      // Act
      const retried = await bridge.invoke(
        sqsEvent({
          ...record,
          attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
        })
      );

      // Assess
      expect(failed.batchItemFailures).toHaveLength(1);
      expect(retried).toEqual({ batchItemFailures: [] });
      const contents = contentsOf(bridge.connect.accepted());
      expect(contents).toHaveLength(2);
      expect(contents.join(' ')).toBe(sms.messageBody);
    });
  });

  describe('undeliverable messages', () => {
    it('counts a dead-lettered text under its reason', async () => {
      // Act
      await bridge.invoke(sqsEvent(smsRecord('not even JSON')));

      // Assess
      expect(jsonLogs(bridge)).toContainEqual(
        expect.objectContaining({ reason: 'invalid-payload', DeadLettered: 1 })
      );
    });

    it('dead-letters a bad payload with its reason and acknowledges it', async () => {
      // Prepare
      const record = smsRecord({
        originationNumber: '4255550182',
        destinationNumber: BRIDGE_NUMBER,
        messageBody: 'My number lost its plus sign',
      });

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toEqual([]);
      expect(bridge.deadLetters().map(({ Body }) => Body)).toEqual([
        record.body,
      ]);
      expect(attributesOf(bridge)).toEqual([
        expect.objectContaining({
          failureReason: 'invalid-payload',
          failureDetail: expect.stringContaining('originationNumber'),
        }),
      ]);
    });

    it('dead-letters a text to a number the bridge does not know', async () => {
      // Prepare
      const record = smsRecord(
        inboundSms({
          originationNumber: CUSTOMER,
          destinationNumber: UNKNOWN_NUMBER,
          messageBody: 'Texting the wrong number',
        })
      );

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toEqual([]);
      expect(bridge.deadLetters().map(({ Body }) => Body)).toEqual([
        record.body,
      ]);
      expect(attributesOf(bridge)).toEqual([
        expect.objectContaining({ failureReason: 'unknown-destination' }),
      ]);
    });

    it('dead-letters a request Connect rejects, after one call', async () => {
      // Prepare
      bridge.connect.queue(awsError(400, 'InvalidRequestException'));
      const record = smsRecord(textFrom(CUSTOMER, 'Connect will reject this'));

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toHaveLength(1);
      expect(bridge.deadLetters().map(({ Body }) => Body)).toEqual([
        record.body,
      ]);
      expect(attributesOf(bridge)).toEqual([
        expect.objectContaining({ failureReason: 'connect-rejected' }),
      ]);
    });

    it('dead-letters an access-denied call and logs why', async () => {
      // Prepare
      bridge.connect.queue(awsError(403, 'AccessDeniedException'));
      const sms = textFrom(CUSTOMER, 'The account may not call Connect');

      // Act
      const response = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toHaveLength(1);
      expect(attributesOf(bridge)).toEqual([
        expect.objectContaining({ failureReason: 'access-denied' }),
      ]);
      expect(jsonLogs(bridge)).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          inboundMessageId: sms.inboundMessageId,
          message: expect.stringMatching(
            /SendChatIntegrationEvent.*deliveryMode=participant/s
          ),
        })
      );
    });
  });

  describe('transient failures', () => {
    it('delivers a throttled call once Connect accepts it', async () => {
      // Prepare
      bridge.connect.queue(awsError(429, 'ThrottlingException'));
      const record = smsRecord(textFrom(CUSTOMER, 'Busy day at the desk'));

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toHaveLength(2);
      expect(bridge.connect.accepted()).toMatchObject([
        { SourceId: CUSTOMER, Event: { Content: 'Busy day at the desk' } },
      ]);
      expect(bridge.deadLetters()).toEqual([]);
    });

    it('retries a call that hangs past the request timeout, in the same invocation', async () => {
      // Prepare: the first call gets no answer for longer than the client waits
      bridge.connect.queue({ status: 200, body: {}, delayMs: 7_000 });
      const record = smsRecord(textFrom(CUSTOMER, 'Anyone home at the desk'));

      // Act
      const response = await bridge.invoke(sqsEvent(record));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.connect.requests).toHaveLength(2);
      expect(bridge.connect.accepted()).toMatchObject([
        { Event: { Content: 'Anyone home at the desk' } },
      ]);
    });

    it('leaves a record to the queue when 5xx outlast the SDK retries', async () => {
      // Prepare
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      const failing = smsRecord(
        textFrom(CUSTOMER, 'Connect is having a bad day')
      );
      const invalid = smsRecord('not even JSON');

      // Act
      const response = await bridge.invoke(sqsEvent(failing, invalid));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: failing.messageId }],
      });
      expect(bridge.connect.requests.length).toBeGreaterThan(1);
      expect(bridge.connect.accepted()).toEqual([]);
      expect(bridge.deadLetters().map(({ Body }) => Body)).toEqual([
        invalid.body,
      ]);
    });
  });

  describe('the wait before a failed text comes back', () => {
    const isVisibilityChange = ({ headers }: RecordedRequest) =>
      headers['x-amz-target'] === 'AmazonSQS.ChangeMessageVisibilityBatch';
    /** The ChangeMessageVisibilityBatch calls the bundle made. */
    const visibilityCalls = () =>
      bridge.sqs.requests.filter(isVisibilityChange);
    /** SQS refuses each entry: the receipt handle has expired. */
    const refusingVisibilityChanges = (request: RecordedRequest) => {
      if (!isVisibilityChange(request)) return undefined;
      const { Entries } = request.json as { Entries: { Id: string }[] };
      const Failed = Entries.map(({ Id }) => ({
        Id,
        Code: 'ReceiptHandleIsInvalid',
        Message: 'The receipt handle has expired',
        SenderFault: true,
      }));
      return { status: 200, body: { Successful: [], Failed } };
    };

    it('shortens the wait of a text failed on its first receive to 1 or 2 seconds', async () => {
      // Prepare
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      const failing = smsRecord(textFrom(CUSTOMER, 'Are you there?'));

      // Act
      await bridge.invoke(sqsEvent(failing));

      // Assess
      const changes = bridge.sqs.visibilityChanges(bridge.queueUrl);
      expect(changes.map(({ receiptHandle }) => receiptHandle)).toEqual([
        failing.receiptHandle,
      ]);
      expect([1, 2]).toContain(changes[0]?.visibilityTimeout);
    });

    it('waits by the receive count: 32 to 64 seconds after the sixth receive', async () => {
      // Prepare
      bridge.connect.always(awsError(429, 'ThrottlingException'));
      const failing = smsRecord(textFrom(CUSTOMER, 'Still there?'), {
        receiveCount: 6,
      });

      // Act
      await bridge.invoke(sqsEvent(failing));

      // Assess
      const [change] = bridge.sqs.visibilityChanges(bridge.queueUrl);
      expect(change?.visibilityTimeout).toBeGreaterThanOrEqual(32);
      expect(change?.visibilityTimeout).toBeLessThanOrEqual(64);
    });

    it('gives a text held behind a failed one a short wait that ends just after it', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'));
      bridge.connect.always(awsError(429, 'ThrottlingException'));

      // Act
      await bridge.invoke(sqsEvent(a1, a2));

      // Assess
      const [failedOne, heldOne] = bridge.sqs.visibilityChanges(
        bridge.queueUrl
      );
      expect([1, 2]).toContain(failedOne?.visibilityTimeout);
      expect(heldOne?.receiptHandle).toBe(a2.receiptHandle);
      expect(heldOne?.visibilityTimeout).toBeGreaterThan(
        failedOne?.visibilityTimeout ?? Number.POSITIVE_INFINITY
      );
      expect(heldOne?.visibilityTimeout).toBeLessThanOrEqual(
        (failedOne?.visibilityTimeout ?? 0) + 2
      );
    });

    it('changes no visibility when every text goes through', async () => {
      // Prepare
      const sms = smsRecord(textFrom(CUSTOMER, 'All good'));

      // Act
      await bridge.invoke(sqsEvent(sms));

      // Assess
      expect(visibilityCalls()).toEqual([]);
    });

    it('changes the visibility of no dead-lettered text', async () => {
      // Prepare
      const invalid = smsRecord('not even JSON');

      // Act
      await bridge.invoke(sqsEvent(invalid));

      // Assess
      expect(visibilityCalls()).toEqual([]);
    });

    it('still reports the failure when SQS refuses the visibility change', async () => {
      // Prepare
      bridge.sqs.always(refusingVisibilityChanges);
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      const failing = smsRecord(textFrom(CUSTOMER, 'Hello?'));

      // Act
      const response = await bridge.invoke(sqsEvent(failing));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: failing.messageId }],
      });
    });

    it('logs a refused visibility change with its code, without numbers or text', async () => {
      // Prepare
      bridge.sqs.always(refusingVisibilityChanges);
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      const failing = smsRecord(textFrom(CUSTOMER, 'Hello again?'));

      // Act
      await bridge.invoke(sqsEvent(failing));

      // Assess
      const warnings = jsonLogs(bridge).filter(
        ({ errorName }) => errorName === 'ReceiptHandleIsInvalid'
      );
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 'WARN',
          messageId: failing.messageId,
        }),
      ]);
      expect(JSON.stringify(warnings)).not.toContain(CUSTOMER.slice(1));
      expect(JSON.stringify(warnings)).not.toContain('Hello again?');
    });

    it('still reports the failure when the visibility change call fails', async () => {
      // Prepare
      bridge.sqs.always((request) =>
        isVisibilityChange(request) ? awsError(500, 'InternalError') : undefined
      );
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      const failing = smsRecord(textFrom(CUSTOMER, 'Anyone?'));

      // Act
      const response = await bridge.invoke(sqsEvent(failing));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: failing.messageId }],
      });
    });
  });

  describe('order within a conversation', () => {
    it("holds a customer's later texts back when an earlier one fails, and sends the others", async () => {
      // Prepare: Connect throttles A1 past the SDK's retries
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'));
      const a3 = smsRecord(textFrom(CUSTOMER, 'and it is late'));
      const b1 = smsRecord(textFrom(OTHER_CUSTOMER, 'Where is my parcel?'));
      bridge.connect.always((request) =>
        JSON.stringify(request.json).includes('my order number is')
          ? awsError(429, 'ThrottlingException')
          : undefined
      );

      // Act
      const response = await bridge.invoke(sqsEvent(a1, a2, a3, b1));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [a1, a2, a3].map((record) => ({
          itemIdentifier: record.messageId,
        })),
      });
      expect(bridge.connect.accepted().map((request) => request.Event)).toEqual(
        [expect.objectContaining({ Content: 'Where is my parcel?' })]
      );
    });

    it('counts the throttle and the texts held back, without numbers', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'));
      bridge.connect.always(awsError(429, 'ThrottlingException'));

      // Act
      await bridge.invoke(sqsEvent(a1, a2));

      // Assess
      const metrics = jsonLogs(bridge).filter((line) => '_aws' in line);
      expect(metrics).toContainEqual(
        expect.objectContaining({ Throttled: 1, HeldForOrder: 1 })
      );
      expect(JSON.stringify(metrics)).not.toContain(CUSTOMER);
    });

    it('sends the held texts once each, in order, when the batch comes back', async () => {
      // Prepare: the first attempt throttles A1 past the retries
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'));
      bridge.connect.always((request) =>
        JSON.stringify(request.json).includes('my order number is')
          ? awsError(429, 'ThrottlingException')
          : undefined
      );
      await bridge.invoke(sqsEvent(a1, a2));
      bridge.connect.always(undefined);

      // Act
      const response = await bridge.invoke(sqsEvent(a1, a2));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(
        bridge.connect
          .accepted()
          .map((request) => (request.Event as { Content?: string }).Content)
      ).toEqual(['my order number is', '4471']);
    });

    it('does not hold a text back behind a dead-lettered one', async () => {
      // Prepare: Connect refuses the first text for good
      const bad = smsRecord(textFrom(CUSTOMER, 'refused'));
      const good = smsRecord(textFrom(CUSTOMER, 'accepted'));
      bridge.connect.queue(awsError(400, 'InvalidRequestException'));

      // Act
      const response = await bridge.invoke(sqsEvent(bad, good));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(bridge.deadLetters()).toHaveLength(1);
      expect(
        bridge.connect
          .accepted()
          .map((request) => (request.Event as { Content?: string }).Content)
      ).toEqual(['accepted']);
    });
  });

  describe('order across batches', () => {
    const EARLIER = new Date('2026-11-28T10:00:00.000Z');
    const LATER = new Date('2026-11-28T10:00:03.000Z');
    const contents = () =>
      bridge.connect
        .accepted()
        .map((request) => (request.Event as { Content?: string }).Content);
    /** Connect throttles this text past the SDK's retries. */
    const throttle = (text: string) =>
      bridge.connect.always((request) =>
        JSON.stringify(request.json).includes(text)
          ? awsError(429, 'ThrottlingException')
          : undefined
      );
    const holdItems = async () => {
      const { Items = [] } = await localDynamoDbClient(bridge.dynamoDbUrl).send(
        new ScanCommand({ TableName: bridge.tableName })
      );
      return Items.filter((item) => item.id?.S?.startsWith('hold#'));
    };
    /** The texts the conversations' holds say are waiting. */
    const waitingTexts = async () =>
      (await holdItems()).flatMap((item) =>
        Object.keys(item).filter((name) => name.startsWith('w#'))
      );

    it("sends a batch's texts in the order they were published, not the queue's", async () => {
      // Prepare: SQS hands out the later text first
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });

      // Act
      await bridge.invoke(sqsEvent(a2, a1));

      // Assess
      expect(contents()).toEqual(['my order number is', '4471']);
    });

    it("holds a customer's later text in another batch behind an earlier one that failed", async () => {
      // Prepare: A1 fails in one batch
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));

      // Act: A2 comes in the next batch, and Connect would take it
      const response = await bridge.invoke(sqsEvent(a2));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: a2.messageId }],
      });
      expect(contents()).toEqual([]);
    });

    it('sends the other customers of a batch while one is held', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      const b1 = smsRecord(textFrom(OTHER_CUSTOMER, 'Where is my parcel?'), {
        publishedAt: LATER,
      });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));

      // Act
      await bridge.invoke(sqsEvent(a2, b1));

      // Assess
      expect(contents()).toEqual(['Where is my parcel?']);
    });

    it('brings the held text back after the earlier one is due', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));

      // Act
      await bridge.invoke(sqsEvent(a2));

      // Assess: A1 waits 1 or 2 s; A2 at least until then, and a bit more
      const [first, second] = bridge.sqs.visibilityChanges(bridge.queueUrl);
      expect(second?.receiptHandle).toBe(a2.receiptHandle);
      expect(second?.visibilityTimeout).toBeGreaterThan(
        first?.visibilityTimeout ?? Number.POSITIVE_INFINITY
      );
    });

    it('sends both texts once each, in order, when the earlier one goes through', async () => {
      // Prepare: A1 fails, A2 is held in another batch
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));
      await bridge.invoke(sqsEvent(a2));
      bridge.connect.always(undefined);

      // Act: they come back in separate batches, A1 first
      await bridge.invoke(sqsEvent(a1));
      const response = await bridge.invoke(sqsEvent(a2));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(contents()).toEqual(['my order number is', '4471']);
    });

    it('holds a new text behind one still held after the first failed text went through', async () => {
      // Prepare: A1 fails, A2 is held; A1 then goes through alone
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      const a3 = smsRecord(textFrom(CUSTOMER, 'and it is late'), {
        publishedAt: new Date(LATER.getTime() + 3000),
      });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));
      await bridge.invoke(sqsEvent(a2));
      bridge.connect.always(undefined);
      await bridge.invoke(sqsEvent(a1));

      // Act: A3 arrives before A2 is back
      const response = await bridge.invoke(sqsEvent(a3));

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: a3.messageId }],
      });
      expect(contents()).toEqual(['my order number is']);
    });

    it('holds a later text in a concurrent batch behind one still in flight', async () => {
      // Prepare: Connect takes 3 s to answer for A1
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      bridge.connect.always(async (request, next) => {
        const reply = await next(request);
        return JSON.stringify(request.json).includes('my order number is') &&
          !('drop' in reply)
          ? { ...reply, delayMs: 3000 }
          : reply;
      });

      // Act: A2's batch starts while A1 is in flight
      const first = bridge.invoke(sqsEvent(a1));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const response = await bridge.invoke(sqsEvent(a2));
      await first;

      // Assess
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: a2.messageId }],
      });
      expect(contents()).toEqual(['my order number is']);
    });

    it('ends the hold when the text holding it goes through', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));
      bridge.connect.always(undefined);

      // Act
      await bridge.invoke(sqsEvent(a1));

      // Assess
      expect(await waitingTexts()).toEqual([]);
    });

    it('lets an earlier text through the hold of a later one', async () => {
      // Prepare: the later text fails first
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), { publishedAt: LATER });
      throttle('4471');
      await bridge.invoke(sqsEvent(a2));

      // Act
      const response = await bridge.invoke(sqsEvent(a1));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(contents()).toEqual(['my order number is']);
    });

    it('does not hold a text back behind one that was dead-lettered', async () => {
      // Prepare: A1 fails for now, then Connect refuses it for good
      const a1 = smsRecord(textFrom(CUSTOMER, 'refused'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, 'accepted'), {
        publishedAt: LATER,
      });
      throttle('refused');
      await bridge.invoke(sqsEvent(a1));
      bridge.connect.always((request) =>
        JSON.stringify(request.json).includes('refused')
          ? awsError(400, 'InvalidRequestException')
          : undefined
      );
      await bridge.invoke(sqsEvent(a1));

      // Act
      const response = await bridge.invoke(sqsEvent(a2));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(contents()).toEqual(['accepted']);
    });

    it('sends a held text on its last receive rather than let SQS dead-letter it', async () => {
      // Prepare: the bundle runs with the default maxReceiveCount
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        publishedAt: EARLIER,
      });
      const a2 = smsRecord(textFrom(CUSTOMER, '4471'), {
        publishedAt: LATER,
        receiveCount: DEFAULT_MAX_RECEIVE_COUNT,
      });
      throttle('my order number is');
      await bridge.invoke(sqsEvent(a1));

      // Act
      const response = await bridge.invoke(sqsEvent(a2));

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(contents()).toEqual(['4471']);
    });

    it('lets go of the conversation when the holder fails on its last receive', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'), {
        receiveCount: DEFAULT_MAX_RECEIVE_COUNT,
      });
      throttle('my order number is');

      // Act
      await bridge.invoke(sqsEvent(a1));

      // Assess
      expect(await waitingTexts()).toEqual([]);
    });

    it('keeps no phone number in the hold', async () => {
      // Prepare
      const a1 = smsRecord(textFrom(CUSTOMER, 'my order number is'));
      throttle('my order number is');

      // Act
      await bridge.invoke(sqsEvent(a1));

      // Assess
      const items = await holdItems();
      expect(items).toHaveLength(1);
      expect(JSON.stringify(items)).not.toContain(CUSTOMER.slice(1));
      expect(JSON.stringify(items)).not.toContain(BRIDGE_NUMBER.slice(1));
    });
  });

  describe('exactly-once forwarding', () => {
    it('forwards an SMS delivered twice only once', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Delivered at least once');

      // Act
      const first = await bridge.invoke(sqsEvent(smsRecord(sms)));
      const second = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect([first, second]).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [] },
      ]);
      expect(bridge.connect.requests).toHaveLength(1);
      expect(jsonLogs(bridge)).toContainEqual(
        expect.objectContaining({
          inboundMessageId: sms.inboundMessageId,
          outcome: 'duplicate',
        })
      );
    });

    describe('with records keyed as before, through eventKeyJmesPath', () => {
      /**
       * Runs the SMS through the bundle's table as an earlier release did;
       * says whether it found no record and so would have forwarded it.
       */
      const ranInEarlierRelease = async (sms: object): Promise<boolean> => {
        const client = localDynamoDbClient(bridge.dynamoDbUrl);
        // The store takes the function's name, its key prefix, from the
        // environment the bundle runs with, not this test file's copy.
        const restore = setEnvironment(
          {
            AWS_LAMBDA_FUNCTION_NAME: String(
              nodeProcess.env.AWS_LAMBDA_FUNCTION_NAME
            ),
          },
          process.env
        );
        const persistenceStore = new DynamoDBPersistenceLayer({
          tableName: bridge.tableName,
          awsSdkV3Client: client,
        });
        restore();
        try {
          return await runKeyedByJmesPath({
            persistenceStore,
            eventKeyJmesPath: 'inboundMessageId',
            payload: sms,
            result: { eventType: 'MESSAGE', newChat: true },
          });
        } finally {
          client.destroy();
        }
      };

      it('does not forward an SMS an earlier release recorded', async () => {
        // Prepare
        const sms = textFrom(CUSTOMER, 'Forwarded before the upgrade');
        const recorded = await ranInEarlierRelease(sms);

        // Act
        const result = await bridge.invoke(sqsEvent(smsRecord(sms)));

        // Assess
        expect(recorded).toBe(true);
        expect(result).toEqual({ batchItemFailures: [] });
        expect(bridge.connect.requests).toHaveLength(0);
        expect(jsonLogs(bridge)).toContainEqual(
          expect.objectContaining({
            inboundMessageId: sms.inboundMessageId,
            outcome: 'duplicate',
          })
        );
      });

      it('leaves a record an earlier release finds for the same SMS', async () => {
        // Prepare
        const sms = textFrom(CUSTOMER, 'Forwarded before a rollback');
        await bridge.invoke(sqsEvent(smsRecord(sms)));

        // Act
        const ranAgain = await ranInEarlierRelease(sms);

        // Assess
        expect(bridge.connect.requests).toHaveLength(1);
        expect(ranAgain).toBe(false);
      });
    });

    it('forwards an SMS redelivered after a failed attempt exactly once', async () => {
      // Prepare
      const sms = textFrom(CUSTOMER, 'Second time lucky');
      const record = smsRecord(sms);
      bridge.connect.always(awsError(503, 'ServiceUnavailableException'));
      const failed = await bridge.invoke(sqsEvent(record));
      bridge.connect.always(undefined);

      // Act
      const redelivered = await bridge.invoke(
        sqsEvent({
          ...record,
          attributes: { ...record.attributes, ApproximateReceiveCount: '2' },
        })
      );
      const duplicate = await bridge.invoke(sqsEvent(smsRecord(sms)));

      // Assess
      expect(failed.batchItemFailures).toHaveLength(1);
      expect([redelivered, duplicate]).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [] },
      ]);
      expect(bridge.connect.accepted()).toMatchObject([
        { SourceId: CUSTOMER, Event: { Content: 'Second time lucky' } },
      ]);
    });
  });

  describe('logs', () => {
    it('hold no full phone number and no message body', async () => {
      // Prepare
      const texts = [
        textFrom(CUSTOMER, 'My card number ends in 4242'),
        textFrom(OTHER_CUSTOMER, 'Olá 👋 preciso de ajuda\ncom a conta'),
        textFrom(CUSTOMER, 'STOP texting me please'),
        inboundSms({
          originationNumber: OTHER_CUSTOMER,
          destinationNumber: UNKNOWN_NUMBER,
          messageBody: 'Wrong number, sorry about that',
        }),
      ];
      const badPayload = {
        originationNumber: '14255550182',
        destinationNumber: BRIDGE_NUMBER,
        messageBody: 'A payload without its id',
      };
      const denied = textFrom(OTHER_CUSTOMER, 'Denied by the account');
      const failing = textFrom(CUSTOMER, 'Failing with server errors');
      const bodies = [...texts, badPayload, denied, failing].map(
        ({ messageBody }) => messageBody
      );
      const numbers = [BRIDGE_NUMBER, UNKNOWN_NUMBER, CUSTOMER, OTHER_CUSTOMER];

      // Act
      await bridge.invoke(
        sqsEvent(...texts.map((sms) => smsRecord(sms)), smsRecord(badPayload))
      );
      bridge.connect.queue(awsError(403, 'AccessDeniedException'));
      await bridge.invoke(sqsEvent(smsRecord(denied)));
      bridge.connect.always(awsError(500, 'InternalServiceException'));
      await bridge.invoke(sqsEvent(smsRecord(failing)));

      // Assess
      const lines = bridge.logs.map(({ line }) => line);
      expect(
        jsonLogs(bridge).filter((log) => 'inboundMessageId' in log)
      ).toHaveLength(texts.length + 2);
      const leaks = lines.filter(
        (line) =>
          numbers.some((number) => line.includes(number.slice(1))) ||
          bodies.some(
            (body) =>
              line.includes(body) ||
              line.includes(JSON.stringify(body).slice(1, -1))
          )
      );
      expect(leaks).toEqual([]);
    });
  });
});
