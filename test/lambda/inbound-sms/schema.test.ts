import {
  InboundSmsSchema,
  MAX_BODY_BYTES,
} from '../../../lambda/inbound-sms/schema';
import defaultKeyword from '../../support/fixtures/inbound-sms/default-keyword.json';
import docExample from '../../support/fixtures/inbound-sms/doc-example.json';
import pinpointExample from '../../support/fixtures/inbound-sms/pinpoint-example.json';
import trailingSpace from '../../support/fixtures/inbound-sms/trailing-space.json';

const withField = (field: string, value: unknown) => ({
  ...structuredClone(docExample),
  [field]: value,
});

const withoutField = (field: keyof typeof docExample) => {
  const payload: Partial<typeof docExample> = structuredClone(docExample);
  delete payload[field];
  return payload;
};

/** The paths of the fields the schema rejected. */
const rejectedPaths = (payload: unknown): string[] => {
  const result = InboundSmsSchema.safeParse(payload);
  return result.success
    ? []
    : result.error.issues.map(({ path }) => path.join('.'));
};

describe('InboundSmsSchema', () => {
  describe('documented payloads', () => {
    it.each([
      ['the End User Messaging doc example', docExample],
      ['the older Pinpoint example', pinpointExample],
      ['a payload with the account default keyword', defaultKeyword],
      ['a payload whose body ends with a space', trailingSpace],
    ])('accepts %s as it is', (_name, payload) => {
      // Prepare
      const input = structuredClone(payload);

      // Act
      const result = InboundSmsSchema.safeParse(input);

      // Assess
      expect(result.success).toBe(true);
      expect(result.data).toEqual(payload);
    });
  });

  describe.each(['originationNumber', 'destinationNumber'])('%s', (field) => {
    it.each([
      ['a North American number', '+12065550100'],
      ['a UK mobile number', '+447700900123'],
      ['the shortest E.164 number', '+12'],
      ['the longest E.164 number (15 digits)', '+123456789012345'],
    ])('accepts %s', (_name, number) => {
      // Prepare
      const payload = withField(field, number);

      // Act
      const result = InboundSmsSchema.safeParse(payload);

      // Assess
      expect(result.success).toBe(true);
      expect(result.data?.[field as 'originationNumber']).toBe(number);
    });

    it.each([
      ['a number without the plus sign', '12065550100'],
      ['a number with a zero country digit', '+02065550100'],
      ['a number with spaces', '+1 206 555 0100'],
      ['a number with dashes', '+1-206-555-0100'],
      ['a number with brackets', '+1(206)5550100'],
      ['a number of 16 digits', '+1234567890123456'],
      ['a plus sign and one digit', '+1'],
      ['a plus sign alone', '+'],
      ['a doubled plus sign', '++12065550100'],
      ['a number followed by a new line', '+12065550100\n'],
      ['a number preceded by a space', ' +12065550100'],
      ['full-width digits', '+１２０６５５５０１００'],
      ['Arabic-Indic digits', '+١٢٠٦٥٥٥٠١٠٠'],
      ['a placeholder with letters', '+1XXX5550100'],
      ['an empty string', ''],
      ['a number type', 12065550100],
      ['null', null],
      ['an object', { number: '+12065550100' }],
    ])('rejects %s', (_name, number) => {
      // Prepare
      const payload = withField(field, number);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual([field]);
    });

    it('rejects a payload without it', () => {
      // Prepare
      const payload = withoutField(field as keyof typeof docExample);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual([field]);
    });
  });

  describe('messageBody', () => {
    it.each([
      ['emoji', 'On my way 👋🏽🇨🇦 see you 🚀'],
      ['accents', 'Café crème, ñandú, Zürich, Ærøskøbing, Ελληνικά'],
      ['new lines', 'line 1\nline 2\r\nline 3\n'],
      ['1,600 characters', 'a'.repeat(1_600)],
      ['1,600 emoji', '😀'.repeat(1_600)],
      ['a body of exactly 16,384 UTF-8 bytes', 'a'.repeat(MAX_BODY_BYTES)],
      ['an empty body (the mapping rejects it, not the schema)', ''],
    ])('keeps %s exactly as received', (_name, body) => {
      // Prepare
      const payload = withField('messageBody', body);

      // Act
      const result = InboundSmsSchema.safeParse(payload);

      // Assess
      expect(result.success).toBe(true);
      expect(result.data?.messageBody).toBe(body);
    });

    it.each([
      ['a lone high surrogate', 'hi \uD83D'],
      ['a lone low surrogate', '\uDE00 there'],
      ['surrogates in the wrong order', '\uDE00\uD83D'],
    ])('rejects invalid UTF-16: %s', (_name, body) => {
      // Prepare
      const payload = withField('messageBody', body);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual(['messageBody']);
    });

    it.each([
      ['16,385 ASCII characters', 'a'.repeat(MAX_BODY_BYTES + 1)],
      ['8,193 two-byte characters (16,386 bytes)', 'é'.repeat(8_193)],
      ['4,097 emoji (16,388 bytes)', '😀'.repeat(4_097)],
    ])('rejects a body over 16,384 UTF-8 bytes: %s', (_name, body) => {
      // Prepare
      const payload = withField('messageBody', body);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual(['messageBody']);
    });

    it.each([
      ['a number', 42],
      ['null', null],
      ['a list', ['hello']],
    ])('rejects a body that is %s', (_name, body) => {
      // Prepare
      const payload = withField('messageBody', body);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual(['messageBody']);
    });
  });

  describe('inboundMessageId', () => {
    it('rejects a payload without it', () => {
      // Prepare
      const payload = withoutField('inboundMessageId');

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual(['inboundMessageId']);
    });

    it.each([
      ['an empty string', ''],
      ['257 characters', 'x'.repeat(257)],
      ['a phone number', '+14255550182'],
      ['text with spaces', 'call me back'],
      ['a control character', 'id-\u0000'],
      ['a number', 123],
      ['null', null],
    ])('rejects an id that is %s', (_name, id) => {
      // Prepare
      const payload = withField('inboundMessageId', id);

      // Act
      const paths = rejectedPaths(payload);

      // Assess
      expect(paths).toEqual(['inboundMessageId']);
    });
  });

  describe('optional fields', () => {
    it.each(['previousPublishedMessageId', 'messageKeyword'] as const)(
      'accepts a payload without %s',
      (field) => {
        // Prepare
        const payload = withoutField(field);

        // Act
        const result = InboundSmsSchema.safeParse(payload);

        // Assess
        expect(result.success).toBe(true);
        expect(result.data).not.toHaveProperty(field);
      }
    );

    it.each(['previousPublishedMessageId', 'messageKeyword'] as const)(
      'keeps %s when it is given',
      (field) => {
        // Prepare
        const payload = structuredClone(docExample);

        // Act
        const result = InboundSmsSchema.safeParse(payload);

        // Assess
        expect(result.data?.[field]).toBe(docExample[field]);
      }
    );
  });

  describe('unknown fields', () => {
    it('drops fields the payload format does not define', () => {
      // Prepare
      const payload = JSON.parse(
        JSON.stringify({
          ...docExample,
          carrier: 'Example Wireless',
          receivedAt: '2026-11-20T17:04:11Z',
          media: [{ url: 'https://example.com/a.jpg' }],
        })
      );

      // Act
      const result = InboundSmsSchema.safeParse(payload);

      // Assess
      expect(result.success).toBe(true);
      expect(Object.keys(result.data ?? {}).sort()).toEqual(
        Object.keys(docExample).sort()
      );
    });

    it('drops prototype-pollution keys without touching any prototype', () => {
      // Prepare
      const payload = JSON.parse(
        `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(docExample).slice(1)}`
      );

      // Act
      const result = InboundSmsSchema.safeParse(payload);

      // Assess
      expect(result.success).toBe(true);
      expect(Object.keys(result.data ?? {})).not.toContain('__proto__');
      expect(Object.getPrototypeOf(result.data)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
