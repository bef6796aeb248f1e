import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  InternalServerException,
  PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
  ResourceNotFoundException,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { KeywordReplySettings } from '../../../lambda/inbound-sms/config';
import type { Delivered } from '../../../lambda/inbound-sms/delivery';
import { buildKeywordMatcher } from '../../../lambda/inbound-sms/keyword-match';
import { withKeywordReplies } from '../../../lambda/inbound-sms/keyword-replies';
import type { InboundSms } from '../../../lambda/inbound-sms/schema';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import {
  type ConfirmationStore,
  startConfirmationStore,
} from '../../support/confirmation-store';
import { runKeyedByJmesPath } from '../../support/jmespath-keyed-record';

const sms = mockClient(PinpointSMSVoiceV2Client);

const BRIDGE_NUMBER = '+12065550100';
const BRIDGE_NUMBER_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';
const UNKNOWN_NUMBER = '+12065550199';
const CUSTOMER = '+14255550182';
const CONTACT_ID = '5b0b6e33-2f4d-4a7e-9b7a-0c1d2e3f4a5b';
const SETTINGS: KeywordReplySettings = {
  optOutListName: 'Support-OptOuts',
  optOutConfirmationText: 'Acme Support: you are unsubscribed, no more texts.',
  isHelp: buildKeywordMatcher(['HELP', 'INFO'], 'begins-with'),
  helpText: 'Acme Support: text us your question. Reply STOP to opt out.',
};
const isOptOut = buildKeywordMatcher(['STOP', 'QUIT'], 'begins-with');

const serverError = () =>
  new InternalServerException({
    message: 'internal error',
    $metadata: { httpStatusCode: 500 },
  });
const throttled = () =>
  new ThrottlingException({
    message: 'slow down',
    $metadata: { httpStatusCode: 400 },
  });
const invalid = () =>
  new ValidationException({
    message: 'invalid destination',
    $metadata: { httpStatusCode: 400 },
  });
const optedOut = () =>
  new ConflictException({
    message: 'destination phone number is opted out',
    $metadata: { httpStatusCode: 400 },
    Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
  });
const noSuchList = () =>
  new ResourceNotFoundException({
    message: 'opt-out list not found',
    $metadata: { httpStatusCode: 400 },
  });

const textFrom = (
  messageBody: string,
  fields: Partial<InboundSms> = {}
): InboundSms => ({
  originationNumber: CUSTOMER,
  destinationNumber: BRIDGE_NUMBER,
  messageBody,
  inboundMessageId: randomUUID(),
  ...fields,
});

describe('the keyword replies around a delivery', () => {
  let store: ConfirmationStore;
  /** Each SMS call and delivery, in the order they happened. */
  let events: string[];
  /** What the next calls of each kind fail with, one each. */
  let textFailures: unknown[];
  let optOutFailures: unknown[];
  let deliveryFailures: unknown[];
  let deliver: jest.Mock<Promise<Delivered>, [InboundSms]>;
  let logger: { info: jest.Mock; warn: jest.Mock };
  let metrics: { addMetric: jest.Mock };

  beforeAll(async () => {
    store = await startConfirmationStore();
  });

  afterAll(async () => {
    await store.close();
  });

  beforeEach(() => {
    events = [];
    textFailures = [];
    optOutFailures = [];
    deliveryFailures = [];
    sms.reset();
    sms.on(SendTextMessageCommand).callsFake(async () => {
      events.push('SendTextMessage');
      const failure = textFailures.shift();
      if (failure) throw failure;
      return { MessageId: randomUUID() };
    });
    sms.on(PutOptedOutNumberCommand).callsFake(async () => {
      events.push('PutOptedOutNumber');
      const failure = optOutFailures.shift();
      if (failure) throw failure;
      return { OptOutListName: SETTINGS.optOutListName };
    });
    deliver = jest.fn(async (text: InboundSms): Promise<Delivered> => {
      const eventType = isOptOut(text.messageBody) ? 'DISCONNECT' : 'MESSAGE';
      events.push(eventType);
      const failure = deliveryFailures.shift();
      if (failure) throw failure;
      return { eventType, contactId: CONTACT_ID, newChat: false };
    });
    logger = { info: jest.fn(), warn: jest.fn() };
    metrics = { addMetric: jest.fn() };
  });

  /** The wrapper as a new function instance builds it. */
  const answering = () =>
    withKeywordReplies(deliver, {
      sms: new PinpointSMSVoiceV2Client({ region: 'us-east-1' }),
      settings: SETTINGS,
      isOptOut,
      phoneNumberArns: new Map([[BRIDGE_NUMBER, BRIDGE_NUMBER_ARN]]),
      confirmations: store.confirmations(),
      logger,
      metrics,
    });

  const failureOf = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => {
        throw new Error('expected the delivery to fail');
      },
      (error: unknown) => error
    );

  describe('an opt-out keyword', () => {
    it('texts the confirmation, adds the number to the list, then ends the chat', async () => {
      // Prepare
      const deliverStop = answering();

      // Act
      const delivered = await deliverStop(textFrom('Stop texting me'));

      // Assess
      expect(events).toEqual([
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
      expect(delivered).toEqual({
        eventType: 'DISCONNECT',
        contactId: CONTACT_ID,
        newChat: false,
      });
    });

    it('sends the confirmation from the number the customer texted, as a transactional text', async () => {
      // Act
      await answering()(textFrom('STOP'));

      // Assess
      expect(sms).toHaveReceivedCommandWith(SendTextMessageCommand, {
        DestinationPhoneNumber: CUSTOMER,
        OriginationIdentity: BRIDGE_NUMBER_ARN,
        MessageBody: SETTINGS.optOutConfirmationText,
        MessageType: 'TRANSACTIONAL',
      });
    });

    it('adds the customer to the configured opt-out list', async () => {
      // Act
      await answering()(textFrom('quit'));

      // Assess
      expect(sms).toHaveReceivedCommandWith(PutOptedOutNumberCommand, {
        OptOutListName: 'Support-OptOuts',
        OptedOutNumber: CUSTOMER,
      });
    });

    it('does not text the confirmation again when the retry follows a failed list update', async () => {
      // Prepare: the list update fails once after the confirmation went out
      const text = textFrom('STOP');
      optOutFailures.push(serverError());
      const first = await failureOf(answering()(text));

      // Act: the queue redelivers the text, maybe to another instance
      const delivered = await answering()(text);

      // Assess
      expect(first).toBeInstanceOf(InternalServerException);
      expect(events).toEqual([
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
      expect(sms).toHaveReceivedCommandTimes(SendTextMessageCommand, 1);
      expect(delivered.eventType).toBe('DISCONNECT');
    });

    it('does not text the confirmation again when an earlier release marked it sent', async () => {
      // Prepare: marked under the key an earlier release picked from the
      // text through eventKeyJmesPath
      const text = textFrom('STOP');
      const marked = await runKeyedByJmesPath({
        persistenceStore: store.confirmations().persistenceStore,
        eventKeyJmesPath: 'inboundMessageId',
        keyPrefix: 'opt-out-confirmation',
        payload: text,
        result: { sent: true },
      });

      // Act: the queue redelivers the text to the new release
      await answering()(text);

      // Assess
      expect(marked).toBe(true);
      expect(events).toEqual(['PutOptedOutNumber', 'DISCONNECT']);
    });

    it('texts a separate confirmation for a separate opt-out text', async () => {
      // Prepare
      const deliverStop = answering();

      // Act
      await deliverStop(textFrom('STOP'));
      await deliverStop(textFrom('STOP'));

      // Assess
      expect(sms).toHaveReceivedCommandTimes(SendTextMessageCommand, 2);
    });

    it('still adds a customer already on the list, with no second confirmation', async () => {
      // Prepare: End User Messaging refuses to text a number on the list
      textFailures.push(optedOut());

      // Act
      const delivered = await answering()(textFrom('STOP'));

      // Assess
      expect(events).toEqual([
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
      expect(delivered.eventType).toBe('DISCONNECT');
      expect(metrics.addMetric).not.toHaveBeenCalledWith(
        'OptOutConfirmationsSent',
        expect.anything(),
        expect.anything()
      );
    });

    it('records the opt-out when End User Messaging refuses the confirmation', async () => {
      // Prepare
      textFailures.push(invalid());

      // Act
      const delivered = await answering()(textFrom('STOP'));

      // Assess
      expect(events).toEqual([
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
      expect(delivered.eventType).toBe('DISCONNECT');
      expect(logger.warn).toHaveBeenCalledWith(
        'End User Messaging refused the opt-out confirmation',
        expect.objectContaining({ errorName: 'ValidationException' })
      );
    });

    it('ends the chat but leaves the list for the retry when the confirmation fails transiently', async () => {
      // Prepare
      textFailures.push(throttled());

      // Act
      const error = await failureOf(answering()(textFrom('STOP')));

      // Assess
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(events).toEqual(['SendTextMessage', 'DISCONNECT']);
    });

    it('texts the confirmation on the retry of a transient confirmation failure', async () => {
      // Prepare
      const text = textFrom('STOP');
      textFailures.push(throttled());
      await failureOf(answering()(text));

      // Act
      await answering()(text);

      // Assess
      expect(events).toEqual([
        'SendTextMessage',
        'DISCONNECT',
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
    });

    it('ends the chat, then fails as undeliverable, when the opt-out list is refused', async () => {
      // Prepare
      optOutFailures.push(noSuchList());

      // Act
      const error = await failureOf(answering()(textFrom('STOP')));

      // Assess
      expect(events).toEqual([
        'SendTextMessage',
        'PutOptedOutNumber',
        'DISCONNECT',
      ]);
      expect(error).toBeInstanceOf(UndeliverableError);
      expect((error as UndeliverableError).detail).toBe(
        'End User Messaging PutOptedOutNumber: ResourceNotFoundException (HTTP 400)'
      );
    });

    it('fails with the chat error once the opt-out is recorded', async () => {
      // Prepare
      const denied = new UndeliverableError('access-denied', 'denied');
      deliveryFailures.push(denied);

      // Act
      const error = await failureOf(answering()(textFrom('STOP')));

      // Assess
      expect(error).toBe(denied);
      expect(sms).toHaveReceivedCommandTimes(PutOptedOutNumberCommand, 1);
    });

    it('fails with the transient list failure over a permanent chat error, so the queue retries', async () => {
      // Prepare
      optOutFailures.push(serverError());
      deliveryFailures.push(new UndeliverableError('access-denied', 'denied'));

      // Act
      const error = await failureOf(answering()(textFrom('STOP')));

      // Assess
      expect(error).toBeInstanceOf(InternalServerException);
    });

    it('records the opt-out but texts nothing for a number with no ARN configured', async () => {
      // Prepare
      const unknown = new UndeliverableError('unknown-destination', 'unknown');
      deliveryFailures.push(unknown);

      // Act
      const error = await failureOf(
        answering()(textFrom('STOP', { destinationNumber: UNKNOWN_NUMBER }))
      );

      // Assess
      expect(error).toBe(unknown);
      expect(events).toEqual(['PutOptedOutNumber', 'DISCONNECT']);
    });

    it('counts the confirmation and the recorded opt-out', async () => {
      // Act
      await answering()(textFrom('STOP'));

      // Assess
      expect(metrics.addMetric.mock.calls).toEqual([
        ['OptOutConfirmationsSent', 'Count', 1],
        ['OptOutsRecorded', 'Count', 1],
      ]);
    });
  });

  describe('a HELP keyword', () => {
    it('texts the help text from the number the customer texted', async () => {
      // Act
      await answering()(textFrom('HELP'));

      // Assess
      expect(sms).toHaveReceivedCommandWith(SendTextMessageCommand, {
        DestinationPhoneNumber: CUSTOMER,
        OriginationIdentity: BRIDGE_NUMBER_ARN,
        MessageBody: SETTINGS.helpText,
        MessageType: 'TRANSACTIONAL',
      });
    });

    it('keeps the text out of the chat', async () => {
      // Act
      const delivered = await answering()(textFrom('Help me please'));

      // Assess
      expect(deliver).not.toHaveBeenCalled();
      expect(delivered).toEqual({ eventType: 'HELP', newChat: false });
    });

    it('answers every configured HELP keyword, whatever its case', async () => {
      // Act
      await answering()(textFrom('info?'));

      // Assess
      expect(events).toEqual(['SendTextMessage']);
    });

    it('forwards a text that only mentions help later on', async () => {
      // Act
      const delivered = await answering()(textFrom('Can you help with 4711'));

      // Assess
      expect(events).toEqual(['MESSAGE']);
      expect(delivered.eventType).toBe('MESSAGE');
    });

    it('forwards a text that begins with a longer word', async () => {
      // Act
      await answering()(textFrom('Helpful agent, thanks'));

      // Assess
      expect(events).toEqual(['MESSAGE']);
    });

    it('accepts that a customer on the opt-out list cannot be answered', async () => {
      // Prepare
      textFailures.push(optedOut());

      // Act
      const delivered = await answering()(textFrom('HELP'));

      // Assess
      expect(delivered).toEqual({ eventType: 'HELP', newChat: false });
      expect(deliver).not.toHaveBeenCalled();
    });

    it('fails as undeliverable when End User Messaging refuses the answer', async () => {
      // Prepare
      textFailures.push(invalid());

      // Act
      const error = await failureOf(answering()(textFrom('HELP')));

      // Assess
      expect(error).toBeInstanceOf(UndeliverableError);
      expect((error as UndeliverableError).detail).toBe(
        'End User Messaging SendTextMessage: ValidationException (HTTP 400)'
      );
    });

    it('fails transiently when the answer may succeed on a retry', async () => {
      // Prepare
      textFailures.push(serverError());

      // Act
      const error = await failureOf(answering()(textFrom('HELP')));

      // Assess
      expect(error).toBeInstanceOf(InternalServerException);
    });

    it('fails as undeliverable, masked, for a number with no ARN configured', async () => {
      // Act
      const error = await failureOf(
        answering()(textFrom('HELP', { destinationNumber: UNKNOWN_NUMBER }))
      );

      // Assess
      expect(error).toEqual(
        new UndeliverableError(
          'unknown-destination',
          'no phone-number ARN is configured for ********0199'
        )
      );
      expect(events).toEqual([]);
    });
  });

  describe('any other text', () => {
    it('is delivered as it is, with no text sent', async () => {
      // Prepare
      const text = textFrom('Where is parcel 4711?');

      // Act
      await answering()(text);

      // Assess
      expect(deliver).toHaveBeenCalledWith(text);
      expect(sms.calls()).toHaveLength(0);
    });
  });
});
