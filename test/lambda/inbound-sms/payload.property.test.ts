import type { SendChatIntegrationEventCommandInput } from '@aws-sdk/client-connect';
import fc from 'fast-check';
import { loadConfig } from '../../../lambda/inbound-sms/config';
import { parseInboundSms } from '../../../lambda/inbound-sms/payload';
import { INBOUND_MESSAGE_ID } from '../../../lambda/inbound-sms/schema';
import { toChatIntegrationEvents } from '../../../lambda/inbound-sms/to-chat-event';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import { chatIntegrationEventViolations } from '../../support/chat-integration-event-constraints';
import {
  DEFAULT_DISCONNECT_KEYWORDS,
  fullBridgeEnv,
  minimalBridgeEnv,
  PHONE_NUMBER_ARNS,
} from '../../support/fixtures/bridge-env';
import snsNotification from '../../support/fixtures/sns-notification.json';

// Runs per property, explicit so that the file covers at least 10,000
// generated inputs in total (see the last test).
const RUNS = {
  anyText: 3_000,
  anyPayload: 3_000,
  personalData: 2_000,
  prototype: 1_000,
  validPayload: 1_000,
} as const;

const CONFIGS = [
  loadConfig(minimalBridgeEnv()),
  loadConfig(fullBridgeEnv()),
] as const;
const OUR_NUMBERS = Object.keys(PHONE_NUMBER_ARNS);
const PLAUSIBLE_ID = INBOUND_MESSAGE_ID;

// --- Strings ------------------------------------------------------------

const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));
const controlCharacter = fc
  .oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.constantFrom(0x2028, 0x2029, 0xfeff, 0x200b, 0x202e)
  )
  .map((code) => String.fromCharCode(code));
const trickyUnit = fc.oneof(
  fc.constantFrom('😀', '👋🏽', '🇨🇦', 'é', 'e\u0301', 'ß', 'ſ', '"', '\\', '{'),
  controlCharacter
);

/** Well-formed strings of every kind: ASCII, any code point, tricky ones. */
const wellFormedText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), trickyUnit),
    maxLength: 40,
  })
);

/** Strings that may hold lone surrogates, i.e. invalid UTF-16. */
const anyUtf16 = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    loneSurrogate,
    trickyUnit
  ),
  maxLength: 40,
});

/** Around the 16,384-byte bound on a body, in one-, two- and four-byte characters. */
const hugeText = fc
  .tuple(
    fc.constantFrom('a', 'é', '😀', '\uD83D', ' '),
    fc.integer({ min: 4_000, max: 17_000 }),
    wellFormedText
  )
  .map(([unit, bytes, tail]) => {
    const unitBytes = Buffer.byteLength(unit);
    return unit.repeat(Math.ceil(bytes / unitBytes)) + tail;
  });

const anyString = fc.oneof(
  { arbitrary: wellFormedText, weight: 4 },
  { arbitrary: anyUtf16, weight: 2 },
  { arbitrary: hugeText, weight: 1 }
);

// --- Payload fields -------------------------------------------------------

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 })
);

const digits = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789'),
    minLength: min,
    maxLength: max,
  });

const e164 = fc
  .tuple(fc.integer({ min: 1, max: 9 }), digits(1, 14))
  .map(([country, rest]) => `+${country}${rest}`);

const notE164 = fc.oneof(
  digits(1, 20),
  digits(1, 14).map((rest) => `+0${rest}`),
  digits(15, 20).map((rest) => `+1${rest}`),
  e164.map((n) => `${n.slice(0, 3)} ${n.slice(3)}`),
  e164.map((n) => `${n}\n`),
  e164.map((n) => n.replace(/\d/g, (d) => String.fromCharCode(0xff10 + +d))),
  fc.constantFrom('', '+', '+1', '++12065550100', '+1XXX5550100'),
  anyString
);

const phoneNumber = fc.oneof(
  { arbitrary: fc.constantFrom(...OUR_NUMBERS), weight: 4 },
  { arbitrary: e164, weight: 3 },
  { arbitrary: notE164, weight: 2 },
  { arbitrary: wrongType, weight: 1 }
);

const keyword = fc
  .tuple(
    fc.constantFrom(...DEFAULT_DISCONNECT_KEYWORDS),
    fc.constantFrom('lower', 'upper', 'as-is')
  )
  .map(([word, casing]) =>
    casing === 'lower'
      ? word.toLowerCase()
      : casing === 'upper'
        ? word.toUpperCase()
        : word
  );

const messageBody = fc.oneof(
  { arbitrary: wellFormedText, weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('', ' ', '\n'), keyword, anyString)
      .map((parts) => parts.join('')),
    weight: 2,
  },
  {
    arbitrary: fc.string({
      unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000'),
    }),
    weight: 1,
  },
  { arbitrary: hugeText, weight: 1 },
  { arbitrary: anyUtf16, weight: 1 },
  { arbitrary: wrongType, weight: 1 }
);

const inboundMessageId = fc.oneof(
  { arbitrary: fc.uuid(), weight: 5 },
  { arbitrary: anyString, weight: 2 },
  { arbitrary: fc.string({ minLength: 120, maxLength: 300 }), weight: 1 },
  { arbitrary: wrongType, weight: 1 }
);

const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
] as const;

const pollutingValue = fc.oneof(
  fc.constant({ polluted: 'yes' }),
  fc.constant({ prototype: { polluted: 'yes' } }),
  fc.constant({ toString: 'polluted' }),
  fc.jsonValue()
);

/** A valid value four times in five, a value of the wrong type otherwise. */
const mostly = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: wrongType, weight: 1 }
  );

type Entry = readonly [string, unknown];

/** Absent one time in ten. */
const field = (name: string, value: fc.Arbitrary<unknown>) =>
  fc.option(
    value.map((v): Entry => [name, v]),
    { freq: 10, nil: undefined }
  );

/** Own properties only: `__proto__` stays a key, as JSON.parse makes it. */
const objectOf = (entries: readonly (Entry | undefined)[]): object => {
  const object = {};
  for (const entry of entries) {
    if (entry === undefined) continue;
    Object.defineProperty(object, entry[0], {
      value: entry[1],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
};

interface GeneratedPayload {
  readonly payload: object;
  /** The values that must never show in a failure's detail. */
  readonly personalData: readonly unknown[];
}

const hostilePayload: fc.Arbitrary<GeneratedPayload> = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), pollutingValue), {
      maxLength: 3,
    }),
    field('originationNumber', phoneNumber),
    field('destinationNumber', phoneNumber),
    field('messageBody', messageBody),
    field('inboundMessageId', inboundMessageId),
    field('messageKeyword', mostly(fc.string())),
    field('previousPublishedMessageId', mostly(fc.uuid())),
    fc.array(fc.tuple(fc.string(), fc.jsonValue()), { maxLength: 2 })
  )
  .map(
    ([
      dangerous,
      origin,
      destination,
      body,
      id,
      keywordField,
      previous,
      extra,
    ]) => ({
      payload: objectOf([
        ...dangerous,
        ...extra,
        origin,
        destination,
        body,
        id,
        keywordField,
        previous,
      ]),
      personalData: [origin?.[1], destination?.[1], body?.[1]],
    })
  );

/** An SNS notification as SQS receives it, around any `Message`. */
const inEnvelope = (message: unknown, extra: readonly Entry[] = []): string =>
  JSON.stringify(
    objectOf([
      ...extra,
      ...Object.entries(snsNotification),
      ['Message', message],
    ])
  );

const hostileText: fc.Arbitrary<GeneratedPayload & { text: string }> = fc
  .tuple(
    hostilePayload,
    fc.constantFrom('raw', 'sns', 'sns-polluted'),
    fc.array(fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), pollutingValue), {
      maxLength: 2,
    })
  )
  .map(([generated, delivery, envelopeKeys]) => {
    const json = JSON.stringify(generated.payload);
    const text =
      delivery === 'raw'
        ? json
        : inEnvelope(json, delivery === 'sns' ? [] : envelopeKeys);
    return { ...generated, text };
  });

/** Any text a queue could hand over, valid or not. */
const anyText = fc.oneof(
  hostileText.map(({ text }) => text),
  fc
    .tuple(hostileText, fc.nat())
    .map(([{ text }, cut]) => text.slice(0, cut % (text.length + 1))),
  anyString,
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => inEnvelope(JSON.stringify(value))),
  fc.jsonValue().map((value) => inEnvelope(value)),
  anyString.map((message) => inEnvelope(message))
);

// --- Checks ---------------------------------------------------------------

/**
 * The values long enough that finding one in a detail means it leaked (a
 * run of one character such as "********" may be the mask itself), and a
 * number without its plus sign too.
 */
const leakable = (values: readonly unknown[]): string[] =>
  values
    .map((value) => (typeof value === 'number' ? String(value) : value))
    .flatMap((value) =>
      typeof value === 'string' ? [value, value.replace(/^\+/, '')] : []
    )
    .filter((value) => value.length >= 8 && new Set(value).size > 1);

const expectNoLeak = (
  error: UndeliverableError,
  values: readonly unknown[]
) => {
  for (const value of leakable(values)) {
    expect(error.detail).not.toContain(value);
    expect(error.message).not.toContain(value);
  }
};

/** Maps with each configuration, as the handler would. */
const mapEach = (text: string) => {
  const parsed = parseInboundSms(text);
  if (!parsed.ok) return { parsed, outcomes: [] };
  const outcomes = CONFIGS.map((config) => {
    try {
      return { requests: toChatIntegrationEvents(parsed.sms, config) };
    } catch (error) {
      return { error };
    }
  });
  return { parsed, outcomes };
};

/**
 * The requests carry the whole text: as it is when it fits in one chat
 * message, else in order, all but the white space around the parts.
 */
const expectCarried = (
  body: string,
  requests: readonly SendChatIntegrationEventCommandInput[]
) => {
  const contents = requests.map((request) => request.Event?.Content ?? '');
  if (body.length <= 1024) {
    expect(contents).toEqual([body]);
    return;
  }
  const visible = (text: string) => text.replace(/\s/g, '');
  expect(visible(contents.join(''))).toBe(visible(body));
};

const runsSeen = new Map<keyof typeof RUNS, number>();
const count = (property: keyof typeof RUNS) =>
  runsSeen.set(property, (runsSeen.get(property) ?? 0) + 1);

describe('parseInboundSms and toChatIntegrationEvents on generated input', () => {
  it('never throw, whatever text arrives', () => {
    // Prepare
    const property = fc.property(anyText, (text) => {
      count('anyText');

      // Act
      let result: ReturnType<typeof mapEach> | undefined;
      const run = () => {
        result = mapEach(text);
      };

      // Assess
      expect(run).not.toThrow();
      if (result?.parsed.ok === false) {
        expect(result.parsed.error).toBeInstanceOf(UndeliverableError);
        expect(result.parsed.error.reason).toBe('invalid-payload');
      }
      for (const outcome of result?.outcomes ?? []) {
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(UndeliverableError);
        }
      }
    });

    // Act & Assess
    fc.assert(property, { numRuns: RUNS.anyText });
  });

  it('send Connect only requests that meet every documented constraint', () => {
    // Prepare
    const seen = { requests: 0, undeliverable: 0, rejected: 0 };
    const property = fc.property(hostileText, ({ text }) => {
      count('anyPayload');

      // Act
      const { parsed, outcomes } = mapEach(text);

      // Assess
      if (!parsed.ok) seen.rejected++;
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          seen.undeliverable++;
          expect(outcome.error).toBeInstanceOf(UndeliverableError);
          expect(['unknown-destination', 'empty-body']).toContain(
            (outcome.error as UndeliverableError).reason
          );
          continue;
        }
        seen.requests++;
        const { requests } = outcome;
        for (const request of requests) {
          expect(chatIntegrationEventViolations(request)).toEqual([]);
          expect(request.SourceId).toMatch(/^\+[1-9]\d{1,14}$/);
          expect(request.Event?.Content?.isWellFormed() ?? true).toBe(true);
        }
        if (parsed.ok && requests[0]?.Event?.Type === 'MESSAGE') {
          expectCarried(parsed.sms.messageBody, requests);
        }
      }
    });

    // Act
    fc.assert(property, { numRuns: RUNS.anyPayload });

    // Assess
    expect(seen.requests).toBeGreaterThan(RUNS.anyPayload / 10);
    expect(seen.undeliverable).toBeGreaterThan(RUNS.anyPayload / 20);
    expect(seen.rejected).toBeGreaterThan(RUNS.anyPayload / 10);
  });

  it('keep the generated numbers and body out of every failure', () => {
    // Prepare
    const property = fc.property(hostileText, ({ text, personalData }) => {
      count('personalData');

      // Act
      const { parsed, outcomes } = mapEach(text);

      // Assess
      if (!parsed.ok) {
        expectNoLeak(parsed.error, personalData);
        if (parsed.inboundMessageId !== undefined) {
          expect(parsed.inboundMessageId).toMatch(PLAUSIBLE_ID);
        }
      }
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          expectNoLeak(outcome.error as UndeliverableError, personalData);
        }
      }
    });

    // Act & Assess
    fc.assert(property, { numRuns: RUNS.personalData });
  });

  it('never pollute Object.prototype', () => {
    // Prepare
    const ownNames = Object.getOwnPropertyNames(Object.prototype).sort();
    const pollutedText = fc
      .tuple(
        fc.array(fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), pollutingValue), {
          minLength: 1,
          maxLength: 4,
        }),
        hostilePayload
      )
      .map(([keys, { payload }]) =>
        inEnvelope(
          JSON.stringify(objectOf([...keys, ...Object.entries(payload)])),
          keys
        )
      );
    const property = fc.property(pollutedText, (text) => {
      count('prototype');

      // Act
      mapEach(text);

      // Assess
      const probe: Record<string, unknown> = {};
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
        ownNames
      );
      expect(probe.polluted).toBeUndefined();
      expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
      expect(typeof probe.toString).toBe('function');
    });

    // Act & Assess
    fc.assert(property, { numRuns: RUNS.prototype });
  });

  it('forward every valid payload as a MESSAGE or a DISCONNECT', () => {
    // Prepare
    const validPayload = fc.record(
      {
        originationNumber: e164,
        destinationNumber: fc.constantFrom(...OUR_NUMBERS),
        messageBody: fc
          .oneof(
            wellFormedText,
            fc.tuple(keyword, wellFormedText).map(([k, rest]) => k + rest),
            fc.string({ unit: 'binary', minLength: 1_500, maxLength: 1_600 })
          )
          .filter((body) => body.trim() !== ''),
        inboundMessageId: fc.uuid(),
        messageKeyword: fc.string(),
        previousPublishedMessageId: fc.uuid(),
      },
      {
        requiredKeys: [
          'originationNumber',
          'destinationNumber',
          'messageBody',
          'inboundMessageId',
        ],
      }
    );
    const property = fc.property(validPayload, fc.boolean(), (sms, raw) => {
      count('validPayload');
      const text = raw ? JSON.stringify(sms) : inEnvelope(JSON.stringify(sms));

      // Act
      const { parsed, outcomes } = mapEach(text);

      // Assess
      expect(parsed).toEqual(
        raw
          ? { ok: true, sms }
          : {
              ok: true,
              sms,
              publishedAt: Date.parse(snsNotification.Timestamp),
            }
      );
      CONFIGS.forEach((config, index) => {
        const outcome = outcomes[index];
        expect(outcome).toHaveProperty('requests');
        const requests = outcome?.requests ?? [];
        const optOut = config.isOptOut(sms.messageBody);
        expect(requests.length).toBeGreaterThan(0);
        for (const request of requests) {
          expect(request).toMatchObject({
            SourceId: sms.originationNumber,
            DestinationId: config.phoneNumberArns.get(sms.destinationNumber),
            Event: optOut
              ? { Type: 'DISCONNECT' }
              : { Type: 'MESSAGE', ContentType: 'text/plain' },
          });
        }
        if (!optOut) {
          expectCarried(sms.messageBody, requests);
        }
      });
    });

    // Act & Assess
    fc.assert(property, { numRuns: RUNS.validPayload });
  });

  it('checks at least 10,000 generated inputs in all', () => {
    // Act
    const total = [...runsSeen.values()].reduce((sum, runs) => sum + runs, 0);

    // Assess
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});
