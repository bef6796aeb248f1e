import { parseInboundSms } from '../../../lambda/inbound-sms/payload';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import docExample from '../../support/fixtures/inbound-sms/doc-example.json';
import pinpointExample from '../../support/fixtures/inbound-sms/pinpoint-example.json';
import snsNotification from '../../support/fixtures/sns-notification.json';
import sqsRecord from '../../support/fixtures/sqs-record.json';

const CUSTOMER = docExample.originationNumber;
const OUR_NUMBER = docExample.destinationNumber;
const SECRET_BODY = 'My card number is 4111 1111 1111 1111, call me';

/** An SNS notification envelope around `message`, as SQS receives it. */
const inEnvelope = (message: string): string =>
  JSON.stringify({ ...structuredClone(snsNotification), Message: message });

const failureOf = (text: string) => {
  const parsed = parseInboundSms(text);
  if (parsed.ok) throw new Error('expected the payload to be rejected');
  return parsed;
};

describe('parseInboundSms', () => {
  describe('accepted messages', () => {
    it('reads the payload from the SNS envelope in an SQS body', () => {
      // Prepare
      const body = sqsRecord.body;

      // Act
      const parsed = parseInboundSms(body);

      // Assess
      expect(parsed).toEqual({
        ok: true,
        sms: docExample,
        publishedAt: Date.parse('2026-11-20T17:04:11.512Z'),
      });
    });

    it("takes when SNS published the text from the envelope's Timestamp", () => {
      // Prepare
      const body = JSON.stringify({
        ...structuredClone(snsNotification),
        Message: JSON.stringify(docExample),
        Timestamp: '2026-11-28T10:00:03.250Z',
      });

      // Act
      const parsed = parseInboundSms(body);

      // Assess
      expect(parsed).toMatchObject({
        publishedAt: Date.UTC(2026, 10, 28, 10, 0, 3, 250),
      });
    });

    it('leaves the publication time out of a raw payload', () => {
      // Prepare
      const body = JSON.stringify(docExample);

      // Act
      const parsed = parseInboundSms(body);

      // Assess
      expect(parsed).not.toHaveProperty('publishedAt');
    });

    it('reads a raw payload, as raw message delivery sends it', () => {
      // Prepare
      const body = JSON.stringify(pinpointExample);

      // Act
      const parsed = parseInboundSms(body);

      // Assess
      expect(parsed).toEqual({ ok: true, sms: pinpointExample });
    });

    it('reads the Message of a direct SNS record', () => {
      // Prepare
      const message = snsNotification.Message;

      // Act
      const parsed = parseInboundSms(message);

      // Assess
      expect(parsed).toEqual({ ok: true, sms: docExample });
    });

    it('keeps the body exactly as the customer sent it', () => {
      // Prepare
      const messageBody = '  Olá 👋🏽\nÇa va ?\r\n  ';
      const body = inEnvelope(JSON.stringify({ ...docExample, messageBody }));

      // Act
      const parsed = parseInboundSms(body);

      // Assess
      expect(parsed.ok && parsed.sms.messageBody).toBe(messageBody);
    });
  });

  describe('rejected messages', () => {
    it.each([
      ['a body that is not JSON', 'STOP'],
      ['an empty body', ''],
      ['truncated JSON', JSON.stringify(docExample).slice(0, 40)],
      ['an SNS envelope whose Message is not JSON', inEnvelope('STOP')],
      ['an SNS envelope whose Message is empty', inEnvelope('')],
    ])('rejects %s as invalid JSON', (_name, text) => {
      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure.error).toBeInstanceOf(UndeliverableError);
      expect(failure.error.reason).toBe('invalid-payload');
      expect(failure.error.detail).toBe('the message is not valid JSON');
    });

    it.each([
      ['a JSON string', '"hello"', '(root)'],
      ['JSON null', 'null', '(root)'],
      ['a JSON list', '[1,2,3]', '(root)'],
      ['a JSON number', '42', '(root)'],
      ['an empty object', '{}', 'originationNumber'],
      [
        'a payload with a number where the body belongs',
        JSON.stringify({ ...docExample, messageBody: 5 }),
        'messageBody',
      ],
      [
        'an envelope around a payload with a bad number',
        inEnvelope(
          JSON.stringify({ ...docExample, destinationNumber: '2125550101' })
        ),
        'destinationNumber',
      ],
      [
        'an SNS envelope whose Message is not a string',
        JSON.stringify({ ...snsNotification, Message: docExample }),
        'originationNumber',
      ],
    ])('rejects %s and names what is wrong', (_name, text, path) => {
      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure.error.reason).toBe('invalid-payload');
      expect(failure.error.detail).toContain(`${path}: `);
    });

    it('names every problem of the payload', () => {
      // Prepare
      const text = JSON.stringify({
        originationNumber: 1,
        destinationNumber: 2,
        messageBody: 3,
        inboundMessageId: 4,
      });

      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure.error.detail.split('; ')).toEqual([
        expect.stringMatching(/^originationNumber: /),
        expect.stringMatching(/^destinationNumber: /),
        expect.stringMatching(/^messageBody: /),
        expect.stringMatching(/^inboundMessageId: /),
      ]);
    });

    it('rejects a payload whose id holds a phone number, keeping it out of the report', () => {
      // Prepare
      const text = JSON.stringify({
        ...docExample,
        inboundMessageId: CUSTOMER,
      });

      // Act
      const parsed = parseInboundSms(text);

      // Assess: logs and attributes never see that "id"
      expect(parsed.ok).toBe(false);
      expect(parsed).not.toHaveProperty('inboundMessageId');
    });

    it('drops a malformed optional field instead of the whole text', () => {
      // Prepare
      const text = JSON.stringify({
        ...docExample,
        messageKeyword: 5,
        previousPublishedMessageId: null,
      });

      // Act
      const parsed = parseInboundSms(text);

      // Assess
      expect(parsed.ok && parsed.sms).toEqual({
        originationNumber: docExample.originationNumber,
        destinationNumber: docExample.destinationNumber,
        messageBody: docExample.messageBody,
        inboundMessageId: docExample.inboundMessageId,
      });
    });

    it.each([
      [
        'bad numbers and a body too large',
        {
          originationNumber: `${CUSTOMER} `,
          destinationNumber: OUR_NUMBER.slice(1),
          messageBody: `${SECRET_BODY}\uD800${'x'.repeat(17_000)}`,
        },
      ],
      [
        'numbers and body of the wrong types',
        {
          originationNumber: [CUSTOMER],
          destinationNumber: { n: OUR_NUMBER },
          messageBody: [SECRET_BODY],
        },
      ],
      [
        'a phone number and the body in the id',
        { inboundMessageId: `${CUSTOMER} ${SECRET_BODY}`.repeat(10) },
      ],
    ])('keeps personal data out of the detail: %s', (_name, fields) => {
      // Prepare
      const text = inEnvelope(JSON.stringify({ ...docExample, ...fields }));

      // Act
      const failure = failureOf(text);

      // Assess
      const { detail, message } = failure.error;
      for (const secret of [CUSTOMER, OUR_NUMBER.slice(1), SECRET_BODY]) {
        expect(detail).not.toContain(secret);
        expect(message).not.toContain(secret);
      }
    });
  });

  describe('inboundMessageId of a rejected message', () => {
    it.each([
      ['a UUID', 'cae173d2-66b9-564c-8309-21f858e9fb84'],
      ['letters, digits, "_" and "-"', 'msg_2026-11-20_0001'],
      ['128 characters', 'a'.repeat(128)],
    ])('is kept when it is %s', (_name, id) => {
      // Prepare
      const text = JSON.stringify({
        ...docExample,
        originationNumber: 'anonymous',
        inboundMessageId: id,
      });

      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure.inboundMessageId).toBe(id);
    });

    it('is kept from the payload inside an SNS envelope', () => {
      // Prepare
      const text = inEnvelope(
        JSON.stringify({ ...docExample, messageBody: null })
      );

      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure.inboundMessageId).toBe(docExample.inboundMessageId);
    });

    it.each([
      ['a phone number', '+12065550100'],
      ['text with spaces', 'call me back'],
      ['257 characters', 'a'.repeat(257)],
      ['a line break', 'abc\ndef'],
      ['non-ASCII letters', 'héllo'],
      ['an empty string', ''],
      ['a number', 1234],
      ['an object', { id: 'abc' }],
    ])('is dropped when it is %s', (_name, id) => {
      // Prepare
      const text = JSON.stringify({
        ...docExample,
        messageBody: 5,
        inboundMessageId: id,
      });

      // Act
      const failure = failureOf(text);

      // Assess
      expect(failure).not.toHaveProperty('inboundMessageId');
    });
  });
});
