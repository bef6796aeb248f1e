import {
  AccessDeniedException,
  ConnectClient,
  InternalServiceException,
  InvalidRequestException,
  ResourceNotFoundException,
  SendChatIntegrationEventCommand,
  type SendChatIntegrationEventCommandInput,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { InboundHandler } from '../../../lambda/inbound-sms/inbound-handler';
import {
  type InboundSmsPayload,
  smsMessage,
  snsEvent,
  snsNotificationBody,
  sqsEvent,
  sqsRecord,
} from '../../../tools/harness/events';
import { fakeContext } from '../../../tools/harness/lambda-context';
import { setEnvironment } from '../../../tools/harness/sandbox';
import {
  BRIDGE_NUMBER,
  BRIDGE_NUMBER_ARN,
  bridgeEnvironment,
  CONTACT_ATTRIBUTES,
  CUSTOMER_NUMBER,
  DEAD_LETTER_QUEUE_URL,
  UNKNOWN_NUMBER,
} from '../../support/bridge-environment';
import {
  completedRecord,
  emptyStore,
  inProgressRecord,
  storeHolding,
} from '../../support/idempotency-store';
import {
  type CapturedOutput,
  captureOutput,
  emfDocuments,
  metricTotals,
} from '../../support/output';

const connect = mockClient(ConnectClient);
const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBClient);

const CONTACT_ID = '5b0b6e33-2f4d-4a7e-9b7a-0c1d2e3f4a5b';
const BODY = 'Hi, parcel 4711 never arrived 📦\nCan you check?';
const OPT_OUT_BODY = ' Stop!!! 🛑 ';
const NOT_E164 = '2065550177';

/** The bodies a Connect stub answers with an error instead of a chat. */
const TRANSIENT_BODY = 'Is anyone there? Parcel 4711 again';
const REJECTED_BODY = 'Why was parcel 4711 sent back to the depot';
const DENIED_BODY = 'Please call me about parcel 4711 tomorrow';

const payload = (
  inboundMessageId: string,
  overrides: Partial<InboundSmsPayload> = {}
): InboundSmsPayload => ({
  originationNumber: CUSTOMER_NUMBER,
  destinationNumber: BRIDGE_NUMBER,
  messageKeyword: 'KEYWORD_111122223333',
  messageBody: BODY,
  inboundMessageId,
  previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ...overrides,
});

/** An SQS record holding the SNS envelope, as the bridge's queue gets it. */
const queued = (messageId: string, sms: InboundSmsPayload): SQSRecord =>
  sqsRecord(snsNotificationBody(smsMessage(sms)), { messageId });

const throttled = () =>
  new ThrottlingException({
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 429, attempts: 3, totalRetryDelay: 287 },
  });
const internalError = () =>
  new InternalServiceException({
    message: 'We encountered an internal error',
    $metadata: { httpStatusCode: 500, attempts: 3, totalRetryDelay: 287 },
  });
const connectionReset = () =>
  Object.assign(new Error('read ECONNRESET'), {
    code: 'ECONNRESET',
    syscall: 'read',
    $metadata: { attempts: 3, totalRetryDelay: 287 },
  });
const invalidRequest = () =>
  new InvalidRequestException({
    message: 'The request is not valid',
    $metadata: { httpStatusCode: 400 },
  });
const notFound = () =>
  new ResourceNotFoundException({
    message: 'The specified resource was not found',
    $metadata: { httpStatusCode: 404 },
  });
const accessDenied = () =>
  new AccessDeniedException({
    message: 'You do not have sufficient access to perform this action',
    $metadata: { httpStatusCode: 403 },
  });

/** Connect answers each call by its content: an error, or a chat. */
const connectAnswersByContent = (errors: Record<string, () => Error>) => {
  connect
    .on(SendChatIntegrationEventCommand)
    .callsFake(async (input: SendChatIntegrationEventCommandInput) => {
      const fail = errors[input.Event?.Content ?? ''];
      if (fail !== undefined) throw fail();
      return {
        InitialContactId: CONTACT_ID,
        NewChatCreated: input.Event?.Type === 'MESSAGE',
      };
    });
};

let handler: InboundHandler;
let restoreEnvironment: () => void;
let output: CapturedOutput;

beforeAll(async () => {
  restoreEnvironment = setEnvironment(bridgeEnvironment(), process.env);
  // The handler reads its configuration once, when it is loaded.
  ({ handler } = await import('../../../lambda/inbound-sms/handler'));
});

afterAll(() => {
  restoreEnvironment();
  connect.restore();
  sqs.restore();
  dynamodb.restore();
});

beforeEach(() => {
  connect.reset();
  sqs.reset();
  dynamodb.reset();
  connect
    .on(SendChatIntegrationEventCommand)
    .resolves({ InitialContactId: CONTACT_ID, NewChatCreated: true });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dead-letter-1' });
  emptyStore(dynamodb);
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

describe('inbound SMS handler', () => {
  describe('a delivered message', () => {
    it('acknowledges the record', async () => {
      // Prepare
      const event = sqsEvent(queued('sqs-1', payload('in-1')));

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
    });

    it('sends Connect the chat integration event for the text', async () => {
      // Prepare
      const event = sqsEvent(queued('sqs-1', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(connect).toReceiveCommandTimes(SendChatIntegrationEventCommand, 1);
      expect(connect).toReceiveCommandWith(SendChatIntegrationEventCommand, {
        SourceId: CUSTOMER_NUMBER,
        DestinationId: BRIDGE_NUMBER_ARN,
        Subtype: 'connect:sms',
        Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: BODY },
        NewSessionDetails: {
          SupportedMessagingContentTypes: ['text/plain'],
          ParticipantDetails: { DisplayName: CUSTOMER_NUMBER },
          Attributes: {
            ...CONTACT_ATTRIBUTES,
            customerPhoneNumber: CUSTOMER_NUMBER,
            systemPhoneNumber: BRIDGE_NUMBER,
          },
        },
      });
    });

    it.each([
      [
        'an SNS notification envelope',
        (json: string) => snsNotificationBody(json),
      ],
      ['a raw payload (raw message delivery)', (json: string) => json],
    ])('forwards a body that holds %s', async (_, wrap) => {
      // Prepare
      const body = wrap(smsMessage(payload('in-1')));

      // Act
      const result = await handler(
        sqsEvent(sqsRecord(body, { messageId: 'sqs-1' })),
        fakeContext()
      );

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(connect).toReceiveCommandWith(SendChatIntegrationEventCommand, {
        SourceId: CUSTOMER_NUMBER,
        Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: BODY },
      });
    });
  });

  describe('a direct SNS event', () => {
    it('forwards the message to Connect', async () => {
      // Prepare
      const event = snsEvent(smsMessage(payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(connect).toReceiveCommandWith(SendChatIntegrationEventCommand, {
        SourceId: CUSTOMER_NUMBER,
        DestinationId: BRIDGE_NUMBER_ARN,
        Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: BODY },
      });
    });

    it('returns no batch response', async () => {
      // Prepare
      const event = snsEvent(smsMessage(payload('in-1')));

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toBeUndefined();
    });

    it('throws on a transient failure so that SNS retries it', async () => {
      // Prepare
      connect.on(SendChatIntegrationEventCommand).rejects(internalError());
      const event = snsEvent(smsMessage(payload('in-1')));

      // Act
      const invocation = handler(event, fakeContext());

      // Assess
      await expect(invocation).rejects.toMatchObject({
        name: 'InternalServiceException',
      });
    });

    it('sends an undeliverable message to the dead-letter queue', async () => {
      // Prepare
      const message = smsMessage(
        payload('in-1', { destinationNumber: UNKNOWN_NUMBER })
      );

      // Act
      await handler(snsEvent(message), fakeContext());

      // Assess
      expect(sqs).toReceiveCommandWith(SendMessageCommand, {
        QueueUrl: DEAD_LETTER_QUEUE_URL,
        MessageBody: message,
      });
    });
  });

  describe('a transient failure', () => {
    const transientFailures: [string, () => Error][] = [
      ['throttling (429) after the SDK gives up', throttled],
      ['an internal error (500)', internalError],
      ['a dropped connection (ECONNRESET)', connectionReset],
    ];

    it.each(transientFailures)(
      'reports the record as a batch item failure on %s',
      async (_, failure) => {
        // Prepare
        connect.on(SendChatIntegrationEventCommand).rejects(failure());
        const event = sqsEvent(queued('sqs-1', payload('in-1')));

        // Act
        const result = await handler(event, fakeContext());

        // Assess
        expect(result).toEqual({
          batchItemFailures: [{ itemIdentifier: 'sqs-1' }],
        });
      }
    );

    it.each(transientFailures)(
      'sends nothing to the dead-letter queue on %s',
      async (_, failure) => {
        // Prepare
        connect.on(SendChatIntegrationEventCommand).rejects(failure());
        const event = sqsEvent(queued('sqs-1', payload('in-1')));

        // Act
        await handler(event, fakeContext());

        // Assess
        expect(sqs).not.toReceiveCommand(SendMessageCommand);
      }
    );
  });

  describe('an undeliverable message', () => {
    interface Undeliverable {
      readonly sms: InboundSmsPayload | string;
      readonly connectFailure?: () => Error;
      readonly reason: string;
      readonly detail: string;
      readonly inboundMessageId?: string;
      readonly connectCalls: number;
    }
    const undeliverable: [string, Undeliverable][] = [
      [
        'an invalid payload',
        {
          sms: payload('in-1', { originationNumber: NOT_E164 }),
          reason: 'invalid-payload',
          detail: 'originationNumber: must be an E.164 number',
          inboundMessageId: 'in-1',
          connectCalls: 0,
        },
      ],
      [
        'a message that is not JSON',
        {
          sms: 'parcel 4711 {',
          reason: 'invalid-payload',
          detail: 'the message is not valid JSON',
          connectCalls: 0,
        },
      ],
      [
        'an unknown destination number',
        {
          sms: payload('in-1', { destinationNumber: UNKNOWN_NUMBER }),
          reason: 'unknown-destination',
          detail: 'no phone-number ARN is configured for ********0199',
          inboundMessageId: 'in-1',
          connectCalls: 0,
        },
      ],
      [
        'a whitespace-only body',
        {
          sms: payload('in-1', { messageBody: ' \n\t ' }),
          reason: 'empty-body',
          detail: 'messageBody is empty',
          inboundMessageId: 'in-1',
          connectCalls: 0,
        },
      ],
      [
        'a 400 InvalidRequestException',
        {
          sms: payload('in-1'),
          connectFailure: invalidRequest,
          reason: 'connect-rejected',
          detail: 'InvalidRequestException (HTTP 400)',
          inboundMessageId: 'in-1',
          connectCalls: 1,
        },
      ],
      [
        'a 404 ResourceNotFoundException',
        {
          sms: payload('in-1'),
          connectFailure: notFound,
          reason: 'connect-rejected',
          detail: 'ResourceNotFoundException (HTTP 404)',
          inboundMessageId: 'in-1',
          connectCalls: 1,
        },
      ],
      [
        'a 403 AccessDeniedException',
        {
          sms: payload('in-1'),
          connectFailure: accessDenied,
          reason: 'access-denied',
          detail: 'AccessDeniedException (HTTP 403)',
          inboundMessageId: 'in-1',
          connectCalls: 1,
        },
      ],
    ];

    const prepare = ({ sms, connectFailure }: Undeliverable) => {
      if (connectFailure !== undefined) {
        connect.on(SendChatIntegrationEventCommand).rejects(connectFailure());
      }
      const message = typeof sms === 'string' ? sms : smsMessage(sms);
      return sqsRecord(snsNotificationBody(message), { messageId: 'sqs-1' });
    };

    it.each(undeliverable)(
      'sends %s to the dead-letter queue with its reason',
      async (_, scenario) => {
        // Prepare
        const record = prepare(scenario);

        // Act
        await handler(sqsEvent(record), fakeContext());

        // Assess
        expect(sqs).toReceiveCommandTimes(SendMessageCommand, 1);
        expect(sqs).toReceiveCommandWith(SendMessageCommand, {
          QueueUrl: DEAD_LETTER_QUEUE_URL,
          MessageBody: record.body,
          MessageAttributes: {
            failureReason: { DataType: 'String', StringValue: scenario.reason },
            failureDetail: { DataType: 'String', StringValue: scenario.detail },
            ...(scenario.inboundMessageId === undefined
              ? {}
              : {
                  inboundMessageId: {
                    DataType: 'String',
                    StringValue: scenario.inboundMessageId,
                  },
                }),
            sourceMessageId: { DataType: 'String', StringValue: 'sqs-1' },
          },
        });
      }
    );

    it.each(undeliverable)(
      'acknowledges the record of %s',
      async (_, scenario) => {
        // Prepare
        const record = prepare(scenario);

        // Act
        const result = await handler(sqsEvent(record), fakeContext());

        // Assess
        expect(result).toEqual({ batchItemFailures: [] });
      }
    );

    it.each(undeliverable)(
      'calls Connect at most once for %s',
      async (_, scenario) => {
        // Prepare
        const record = prepare(scenario);

        // Act
        await handler(sqsEvent(record), fakeContext());

        // Assess
        expect(connect).toReceiveCommandTimes(
          SendChatIntegrationEventCommand,
          scenario.connectCalls
        );
      }
    );

    it('explains an access denial in an error log: the API restriction and the way out', async () => {
      // Prepare
      connect.on(SendChatIntegrationEventCommand).rejects(accessDenied());
      const event = sqsEvent(queued('sqs-1', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      const errors = output
        .jsonLines()
        .filter((line) => line.level === 'ERROR');
      expect(errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /restricts SendChatIntegrationEvent to End User Messaging.*deliveryMode=participant/
          ),
          inboundMessageId: 'in-1',
          reason: 'access-denied',
        }),
      ]);
    });

    it('fails the record when the dead-letter queue refuses it, so it is retried', async () => {
      // Prepare
      sqs
        .on(SendMessageCommand)
        .rejects(
          Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        );
      const event = sqsEvent(
        queued('sqs-1', payload('in-1', { destinationNumber: UNKNOWN_NUMBER }))
      );

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toEqual({
        batchItemFailures: [{ itemIdentifier: 'sqs-1' }],
      });
    });
    it('logs a refusal by the dead-letter queue as an error', async () => {
      // Prepare
      sqs
        .on(SendMessageCommand)
        .rejects(
          Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        );
      const event = sqsEvent(
        queued('sqs-1', payload('in-1', { destinationNumber: UNKNOWN_NUMBER }))
      );

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          inboundMessageId: 'in-1',
          reason: 'unknown-destination',
          outcome: 'retry',
        })
      );
    });
  });

  describe('a mixed batch', () => {
    it('reports exactly the record that failed transiently', async () => {
      // Prepare
      connectAnswersByContent({ [TRANSIENT_BODY]: internalError });
      const event = sqsEvent(
        queued('sqs-ok', payload('in-ok')),
        queued(
          'sqs-transient',
          payload('in-transient', { messageBody: TRANSIENT_BODY })
        ),
        queued(
          'sqs-permanent',
          payload('in-permanent', { originationNumber: NOT_E164 })
        )
      );

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toEqual({
        batchItemFailures: [{ itemIdentifier: 'sqs-transient' }],
      });
    });
  });

  describe('idempotency', () => {
    const forwardedBefore = completedRecord({
      eventType: 'MESSAGE',
      contactId: CONTACT_ID,
      newChat: true,
    });

    it('does not forward a message the store has already completed', async () => {
      // Prepare
      storeHolding(dynamodb, forwardedBefore);
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(connect).not.toReceiveCommand(SendChatIntegrationEventCommand);
    });

    it('acknowledges a message the store has already completed', async () => {
      // Prepare
      storeHolding(dynamodb, forwardedBefore);
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
    });

    it('logs a message the store has already completed as a duplicate', async () => {
      // Prepare
      storeHolding(dynamodb, forwardedBefore);
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'INFO',
          message: 'Duplicate message not forwarded again',
          inboundMessageId: 'in-1',
          outcome: 'duplicate',
        })
      );
    });

    it('reports a message still in progress elsewhere as a batch item failure', async () => {
      // Prepare
      storeHolding(dynamodb, inProgressRecord());
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      const result = await handler(event, fakeContext());

      // Assess
      expect(result).toEqual({
        batchItemFailures: [{ itemIdentifier: 'sqs-2' }],
      });
    });

    it('logs a message still in progress elsewhere as a retry', async () => {
      // Prepare
      storeHolding(dynamodb, inProgressRecord());
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          inboundMessageId: 'in-1',
          outcome: 'retry',
          errorName: 'IdempotencyAlreadyInProgressError',
          inProgressElsewhere: true,
        })
      );
    });

    it('does not call Connect for a message still in progress elsewhere', async () => {
      // Prepare
      storeHolding(dynamodb, inProgressRecord());
      const event = sqsEvent(queued('sqs-2', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(connect).not.toReceiveCommand(SendChatIntegrationEventCommand);
    });

    it('acknowledges a message Connect took when its record cannot be saved', async () => {
      // Prepare
      dynamodb
        .on(UpdateItemCommand)
        .rejects(
          Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        );
      const event = sqsEvent(queued('sqs-1', payload('in-1')));

      // Act
      const result = await handler(event, fakeContext());

      // Assess: a retry would put the same text in the chat twice
      expect(result).toEqual({ batchItemFailures: [] });
      expect(connect).toReceiveCommandTimes(SendChatIntegrationEventCommand, 1);
    });
  });

  describe('metrics and logs', () => {
    /** One record per outcome, each with its own text. */
    const everyOutcome = () => {
      connectAnswersByContent({
        [TRANSIENT_BODY]: internalError,
        [REJECTED_BODY]: invalidRequest,
        [DENIED_BODY]: accessDenied,
      });
      return sqsEvent(
        queued('sqs-new-chat', payload('in-new-chat')),
        queued(
          'sqs-opt-out',
          payload('in-opt-out', { messageBody: OPT_OUT_BODY })
        ),
        queued(
          'sqs-invalid',
          payload('in-invalid', { originationNumber: NOT_E164 })
        ),
        queued(
          'sqs-unknown',
          payload('in-unknown', { destinationNumber: UNKNOWN_NUMBER })
        ),
        queued(
          'sqs-rejected',
          payload('in-rejected', { messageBody: REJECTED_BODY })
        ),
        queued(
          'sqs-denied',
          payload('in-denied', { messageBody: DENIED_BODY })
        ),
        queued(
          'sqs-transient',
          payload('in-transient', { messageBody: TRANSIENT_BODY })
        )
      );
    };

    /** Every number and body of the test data, with and without `+`. */
    const personalData = [
      ...[CUSTOMER_NUMBER, BRIDGE_NUMBER, UNKNOWN_NUMBER].flatMap((n) => [
        n,
        n.slice(1),
        n.slice(2),
      ]),
      NOT_E164,
      BODY,
      BODY.split('\n')[0] ?? BODY,
      OPT_OUT_BODY,
      TRANSIENT_BODY,
      REJECTED_BODY,
      DENIED_BODY,
    ];

    it('counts each outcome in the embedded metric format', async () => {
      // Prepare
      const event = everyOutcome();

      // Act
      await handler(event, fakeContext());

      // Assess
      expect(metricTotals(emfDocuments(output.jsonLines()))).toMatchObject({
        MessagesForwarded: 2,
        NewChatsCreated: 1,
        Disconnects: 1,
        PermanentFailures: 4,
        TransientFailures: 1,
      });
    });

    it('publishes the metrics under the configured namespace', async () => {
      // Prepare
      const event = sqsEvent(queued('sqs-1', payload('in-1')));

      // Act
      await handler(event, fakeContext());

      // Assess
      const [document] = emfDocuments(output.jsonLines());
      expect(document).toMatchObject({
        _aws: {
          CloudWatchMetrics: [
            expect.objectContaining({ Namespace: 'SmsConnectBridge' }),
          ],
        },
      });
    });

    it('puts no phone number or message body in the metrics', async () => {
      // Prepare
      const event = everyOutcome();

      // Act
      await handler(event, fakeContext());

      // Assess
      const metrics = JSON.stringify(emfDocuments(output.jsonLines()));
      expect(metrics).toContain('MessagesForwarded');
      for (const secret of personalData) {
        expect(metrics).not.toContain(secret);
      }
    });

    it('never logs a full phone number or a message body', async () => {
      // Prepare
      const event = everyOutcome();

      // Act
      await handler(event, fakeContext());
      storeHolding(
        dynamodb,
        completedRecord({
          eventType: 'MESSAGE',
          contactId: CONTACT_ID,
          newChat: false,
        })
      );
      await handler(
        sqsEvent(queued('sqs-again', payload('in-new-chat'))),
        fakeContext()
      );

      // Assess
      const logs = output.text();
      expect(logs).toContain('in-new-chat');
      for (const secret of personalData) {
        expect(logs).not.toContain(secret);
      }
    });
  });
});
