import type { FailureReason } from '../../lambda/shared/undeliverable';
import { smsMessage, snsNotificationBody } from '../harness/events';
import {
  integerBetween,
  pick,
  type Random,
  seededRandom,
  seededUuid,
} from '../local-aws/random';
import { disconnectKey, messageKey } from './connect-key';

const ACCOUNT = '111122223333';
const phoneNumberArn = (id: string) =>
  `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-${id}`;

// Fictitious numbers only: NANP 555-01xx and Ofcom's 07700 900xxx range.
const US_NUMBER = '+12065550100';
const UK_NUMBER = '+447700900000';

/** The bridge's numbers, as the `phoneNumbers` context key gives them. */
export const BRIDGE_NUMBERS: Readonly<Record<string, string>> = {
  [US_NUMBER]: phoneNumberArn('0123456789abcdef0123456789abcdef'),
  [UK_NUMBER]: phoneNumberArn('fedcba9876543210fedcba9876543210'),
};

/** A number of the account that the bridge is not configured for. */
const UNKNOWN_NUMBER = '+12065550177';

/** The context the fault-injection runs synthesize the app with. */
export const FAULT_INJECTION_CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`,
  phoneNumbers: JSON.stringify(BRIDGE_NUMBERS),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};

/** 300 customers; each texts the bridge's number in their country. */
const CUSTOMERS: readonly { number: string; texts: string }[] = Array.from(
  { length: 300 },
  (_, i) => {
    const line = String(100 + (i % 100)).padStart(4, '0');
    const range = Math.floor(i / 100);
    if (range === 2) return { number: `+44770090${line}`, texts: UK_NUMBER };
    return {
      number: `+1${range === 0 ? '425' : '503'}555${line}`,
      texts: US_NUMBER,
    };
  }
);

/** `{n}` becomes a serial number, so that every text is unique. */
const TEXTS = [
  'Hi, my order #{n} has not arrived yet',
  'Can I change the delivery address for order {n}?',
  'Thanks, ticket {n} is solved 👍',
  'Ça ne marche toujours pas, dossier n°{n}',
  'Is the store open tomorrow? Asking about reservation {n}',
  'My card was charged twice for invoice {n}\nPlease help',
  'Olá, preciso de ajuda com o pedido {n} 🙏',
  'please stop sending reminders for booking {n}',
  'Stopped by the shop about repair {n} but it was closed',
  'Hello?? Still waiting on refund {n}…',
];

const OPT_OUTS = ['STOP', 'Stop', 'Stop!', 'QUIT', 'Unsubscribe', 'ARRET'];

export type InputKind =
  | 'text'
  | 'opt-out'
  | 'invalid-payload'
  | 'unknown-destination'
  | 'empty-body';

export type DuplicateMode = 'same-batch' | 'later';

/** One inbound SMS that End User Messaging published to the topic. */
export interface TrafficInput {
  /** The SNS MessageId, which every copy of the notification carries. */
  readonly trackingId: string;
  readonly kind: InputKind;
  /** The SQS message body: SNS's notification around the payload. */
  readonly body: string;
  /** How Connect's accepted events name it; only for deliverable kinds. */
  readonly connectKey?: string;
  /** The dead-letter reason it must end with; only for undeliverable kinds. */
  readonly expectedReason?: FailureReason;
  /** SNS delivers it a second time: right after, or minutes later. */
  readonly duplicate?: {
    readonly mode: DuplicateMode;
    readonly delayMs: number;
  };
}

export interface TrafficOptions {
  readonly messages: number;
  readonly seed: number;
  /** The share of inputs SNS delivers twice. @default 0.1 */
  readonly duplicateRate?: number;
}

export interface Traffic {
  readonly inputs: readonly TrafficInput[];
  /** Every phone number and longer text in the traffic, for log checks. */
  readonly personalData: readonly string[];
}

/**
 * A realistic day of inbound SMS: many customers, a few busy ones, texts
 * with emoji, accents and new lines, some opt-outs (one per customer at
 * most), and a few payloads the bridge must dead-letter: malformed ones,
 * texts to a number it does not know, and empty texts.
 */
export const generateTraffic = (options: TrafficOptions): Traffic => {
  const random = seededRandom(options.seed);
  const total = options.messages;
  const invalid = Math.max(5, Math.round(total * 0.015));
  const unknown = Math.max(2, Math.round(total * 0.01));
  const empty = Math.max(2, Math.round(total * 0.005));
  const optOuts = Math.min(
    CUSTOMERS.length,
    Math.max(1, Math.round(total * 0.04))
  );
  const texts = total - invalid - unknown - empty - optOuts;
  if (texts < 1) throw new Error(`too few messages: ${total}`);

  const kinds: InputKind[] = shuffle(random, [
    ...repeat<InputKind>('text', texts),
    ...repeat<InputKind>('opt-out', optOuts),
    ...repeat<InputKind>('invalid-payload', invalid),
    ...repeat<InputKind>('unknown-destination', unknown),
    ...repeat<InputKind>('empty-body', empty),
  ]);
  const optingOut = shuffle(random, [...CUSTOMERS]).slice(0, optOuts);
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const personalData = new Set<string>([
    ...Object.keys(BRIDGE_NUMBERS),
    UNKNOWN_NUMBER,
  ]);
  let serial = 10_000;
  let invalidVariant = 0;

  const inputs = kinds.map((kind, index): TrafficInput => {
    const customer =
      kind === 'opt-out'
        ? (optingOut.pop() as (typeof CUSTOMERS)[number])
        : // A few customers send many texts, most send one or two.
          (CUSTOMERS[
            Math.floor(CUSTOMERS.length * random() ** 2)
          ] as (typeof CUSTOMERS)[number]);
    personalData.add(customer.number);
    const sms = {
      originationNumber: customer.number,
      destinationNumber: customer.texts,
      messageBody: '',
      messageKeyword: `keyword_${ACCOUNT}`,
      inboundMessageId: seededUuid(random),
    };
    let payload: unknown = sms;
    let connectKey: string | undefined;
    let expectedReason: FailureReason | undefined;
    switch (kind) {
      case 'text':
        sms.messageBody = pick(random, TEXTS).replace('{n}', String(serial++));
        connectKey = messageKey(sms.messageBody);
        break;
      case 'opt-out':
        sms.messageBody = pick(random, OPT_OUTS);
        connectKey = disconnectKey(
          customer.number,
          BRIDGE_NUMBERS[customer.texts] as string
        );
        break;
      case 'unknown-destination':
        sms.destinationNumber = UNKNOWN_NUMBER;
        sms.messageBody = pick(random, TEXTS).replace('{n}', String(serial++));
        expectedReason = 'unknown-destination';
        break;
      case 'empty-body':
        sms.messageBody = pick(random, ['', '   ', '\n']);
        expectedReason = 'empty-body';
        break;
      case 'invalid-payload':
        sms.messageBody = pick(random, TEXTS).replace('{n}', String(serial++));
        payload = invalidPayload(sms, invalidVariant++);
        expectedReason = 'invalid-payload';
        break;
    }
    if (sms.messageBody.length >= 8) personalData.add(sms.messageBody);
    const trackingId = seededUuid(random);
    const body = snsNotificationBody(
      smsMessage(payload),
      new Date(start + index * 50),
      { messageId: trackingId, random }
    );
    const duplicate =
      random() < (options.duplicateRate ?? 0.1)
        ? random() < 0.5
          ? { mode: 'same-batch' as const, delayMs: 0 }
          : {
              mode: 'later' as const,
              delayMs: integerBetween(random, 60, 900) * 1000,
            }
        : undefined;
    return {
      trackingId,
      kind,
      body,
      ...(connectKey === undefined ? {} : { connectKey }),
      ...(expectedReason === undefined ? {} : { expectedReason }),
      ...(duplicate === undefined ? {} : { duplicate }),
    };
  });
  return { inputs, personalData: [...personalData] };
};

/** Payloads End User Messaging would never send, but a bridge may meet. */
const invalidPayload = (
  sms: Record<string, unknown>,
  variant: number
): unknown => {
  const { originationNumber, inboundMessageId: _, ...withoutId } = sms;
  switch (variant % 5) {
    case 0:
      return { ...sms, originationNumber: String(originationNumber).slice(1) };
    case 1:
      // Cut short: not JSON at all.
      return smsMessage(sms).slice(0, 40);
    case 2:
      return withoutId;
    case 3:
      return { ...sms, messageBody: 42 };
    default:
      return { ...sms, destinationNumber: 'our number' };
  }
};

const repeat = <T>(item: T, count: number): T[] =>
  Array.from({ length: count }, () => item);

export const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/** One text of a campaign's replies. */
export interface BurstText {
  readonly trackingId: string;
  readonly body: string;
  /** How Connect's accepted event names it. */
  readonly connectKey: string;
  readonly customer: number;
  /** Its place among its customer's texts, from 0. */
  readonly index: number;
}

// Fictitious numbers only: 555-0100 to 555-0199 of twenty NANP area codes.
const AREA_CODES = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217,
  218, 219, 224, 225, 228,
];
export const MAX_BURST_CUSTOMERS = AREA_CODES.length * 100;

/** Customer `c`'s `j`th text: unique, and says whose and which it is. */
export const customerText = (c: number, j: number, words: string) =>
  `Customer ${c} text ${j}: ${words}`;

/** The customer and place of a text, from its content. */
export const customerTextOf = (
  content: string
): { customer: number; index: number } | undefined => {
  const match = /^Customer (\d+) text (\d+):/.exec(content);
  return match
    ? { customer: Number(match[1]), index: Number(match[2]) }
    : undefined;
};

/**
 * A campaign's replies: `customers` customers each send `texts / customers`
 * texts, interleaved at random but each customer's in order, all to the
 * bridge's US number.
 */
export const generateBurst = (options: {
  readonly texts: number;
  readonly customers: number;
  readonly seed: number;
}): readonly BurstText[] => {
  const { texts, customers, seed } = options;
  if (customers < 1 || customers > MAX_BURST_CUSTOMERS) {
    throw new Error(`customers must be 1 to ${MAX_BURST_CUSTOMERS}`);
  }
  if (texts < customers) throw new Error('fewer texts than customers');
  const random = seededRandom(seed);
  const order = shuffle(
    random,
    Array.from({ length: texts }, (_, i) => i % customers)
  );
  const sent = new Map<number, number>();
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  return order.map((customer, i): BurstText => {
    const index = sent.get(customer) ?? 0;
    sent.set(customer, index + 1);
    const content = customerText(customer, index, 'yes, please book me in');
    const trackingId = seededUuid(random);
    return {
      trackingId,
      customer,
      index,
      connectKey: messageKey(content),
      body: snsNotificationBody(
        smsMessage({
          originationNumber: `+1${AREA_CODES[Math.floor(customer / 100)]}5550${100 + (customer % 100)}`,
          destinationNumber: US_NUMBER,
          messageBody: content,
          messageKeyword: `keyword_${ACCOUNT}`,
          inboundMessageId: seededUuid(random),
        }),
        new Date(start + i),
        { messageId: trackingId, random }
      ),
    };
  });
};
