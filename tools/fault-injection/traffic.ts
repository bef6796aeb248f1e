import type { FailureReason } from '../../lambda/shared/undeliverable';
import { smsMessage, snsNotificationBody } from '../harness/events';
import {
  integerBetween,
  pick,
  type Random,
  seededRandom,
  seededUuid,
} from '../local-aws/random';
import { disconnectKey, messageKey } from './connect';

const ACCOUNT = '111122223333';
const phoneNumberArn = (id: string) =>
  `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-${id}`;

// Fictitious numbers only: NANP 555-01xx and Ofcom's 07700 900xxx range.
const US_NUMBER = '+12065550100';
const UK_NUMBER = '+447700900000';
const BRIDGE_NUMBERS: Readonly<Record<string, string>> = {
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

export const PARTICIPANT_FAULT_INJECTION_CONTEXT = {
  ...FAULT_INJECTION_CONTEXT,
  deliveryMode: 'participant',
  contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};

export type InputKind =
  | 'text'
  | 'opt-out'
  | 'invalid-payload'
  | 'unknown-destination'
  | 'empty-body';

/** One inbound SMS that End User Messaging published to the topic. */
export interface TrafficInput {
  /** The SNS MessageId, which every copy of the notification carries. */
  readonly trackingId: string;
  readonly kind: InputKind;
  /** The SQS message body: SNS's notification around the payload. */
  readonly body: string;
  /** When it reaches the queue, in the simulated clock's ms. */
  readonly at: number;
  /** When SNS delivers it a second time, if it does. */
  readonly againAt?: number;
  /** How Connect's accepted events name it; only for deliverable kinds. */
  readonly connectKey?: string;
  /** The dead-letter reason it must end with; for undeliverable kinds. */
  readonly expectedReason?: FailureReason;
  readonly customer?: string;
}

export interface Traffic {
  readonly inputs: readonly TrafficInput[];
  /** Every phone number and longer text in the traffic, for log checks. */
  readonly personalData: readonly string[];
}

/** 300 customers; each texts the bridge's number in their country. */
const CUSTOMERS = Array.from({ length: 300 }, (_, i) => {
  const line = String(100 + (i % 100)).padStart(4, '0');
  const range = Math.floor(i / 100);
  if (range === 2) return { number: `+44770090${line}`, texts: UK_NUMBER };
  const area = range === 0 ? '425' : '503';
  return { number: `+1${area}555${line}`, texts: US_NUMBER };
});
type Customer = (typeof CUSTOMERS)[number];

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
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * A realistic day of inbound SMS: many customers, a few busy ones, texts
 * with emoji, accents and new lines, some opt-outs (one per customer at
 * most), and payloads the bridge must dead-letter: malformed ones, texts to
 * a number it does not know, and empty texts. SNS delivers 10% twice.
 */
export const generateTraffic = (messages: number, seed: number): Traffic => {
  const random = seededRandom(seed);
  const share = (rate: number, least: number) =>
    Math.max(least, Math.round(messages * rate));
  const optOuts = Math.min(CUSTOMERS.length, share(0.04, 1));
  const others = {
    'opt-out': optOuts,
    'invalid-payload': share(0.015, 5),
    'unknown-destination': share(0.01, 2),
    'empty-body': share(0.005, 2),
  };
  const texts = messages - Object.values(others).reduce((a, b) => a + b);
  if (texts < 1) throw new Error(`too few messages: ${messages}`);
  const kinds = shuffle(
    random,
    Object.entries({ text: texts, ...others }).flatMap(([kind, n]) =>
      Array<InputKind>(n).fill(kind as InputKind)
    )
  );
  const optingOut = shuffle(random, [...CUSTOMERS]).slice(0, optOuts);
  const personalData = new Set([
    ...Object.keys(BRIDGE_NUMBERS),
    UNKNOWN_NUMBER,
  ]);
  let serial = 10_000;
  let invalid = 0;
  const text = () => pick(random, TEXTS).replace('{n}', String(serial++));

  const inputs = kinds.map((kind, index): TrafficInput => {
    const customer = (
      kind === 'opt-out'
        ? optingOut.pop()
        : // A few customers send many texts, most send one or two.
          CUSTOMERS[Math.floor(CUSTOMERS.length * random() ** 2)]
    ) as Customer;
    const sms = {
      originationNumber: customer.number,
      destinationNumber: customer.texts,
      messageBody: '',
      messageKeyword: `keyword_${ACCOUNT}`,
      inboundMessageId: seededUuid(random),
    };
    let payload: unknown = sms;
    let connectKey: string | undefined;
    if (kind === 'text') {
      sms.messageBody = text();
      connectKey = messageKey(sms.messageBody);
    } else if (kind === 'opt-out') {
      sms.messageBody = pick(random, OPT_OUTS);
      const arn = BRIDGE_NUMBERS[customer.texts] as string;
      connectKey = disconnectKey(customer.number, arn);
    } else if (kind === 'empty-body') {
      sms.messageBody = pick(random, ['', '   ', '\n']);
    } else if (kind === 'unknown-destination') {
      sms.destinationNumber = UNKNOWN_NUMBER;
      sms.messageBody = text();
    } else {
      sms.messageBody = text();
      payload = invalidPayload(sms, invalid++);
    }
    personalData.add(customer.number);
    if (sms.messageBody.length >= 8) personalData.add(sms.messageBody);
    const trackingId = seededUuid(random);
    const body = snsNotificationBody(
      smsMessage(payload),
      new Date(START + index * 50),
      { messageId: trackingId, random }
    );
    // Again in the same batch, or minutes later.
    const againAt =
      random() < 0.1
        ? random() < 0.5
          ? 0
          : integerBetween(random, 60, 900) * 1000
        : undefined;
    return {
      trackingId,
      kind,
      body,
      at: 0,
      ...(againAt === undefined ? {} : { againAt }),
      ...(connectKey === undefined ? {} : { connectKey }),
      ...(connectKey === undefined
        ? { expectedReason: kind as FailureReason }
        : {}),
    };
  });
  return { inputs, personalData: [...personalData] };
};

/** Payloads End User Messaging would never send, but a bridge may meet. */
const invalidPayload = (sms: Record<string, unknown>, variant: number) => {
  const { originationNumber, inboundMessageId: _, ...withoutId } = sms;
  return [
    { ...sms, originationNumber: String(originationNumber).slice(1) },
    // Cut short: not JSON at all.
    smsMessage(sms).slice(0, 40),
    withoutId,
    { ...sms, messageBody: 42 },
    { ...sms, destinationNumber: 'our number' },
  ][variant % 5];
};

const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

// Fictitious numbers only: 555-0100 to 555-0199 of twenty NANP area codes.
const AREA_CODES = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217,
  218, 219, 224, 225, 228,
];

/**
 * `customers` customers each send `texts / customers` texts to the bridge's
 * US number, interleaved at random but each customer's in order. Without
 * `gapMs` all reach the queue at once (a campaign's replies); with it, a
 * customer's texts come `gapMs` apart, give or take, and SNS delivers 10%
 * twice.
 */
export const customerTraffic = (options: {
  readonly texts: number;
  readonly customers: number;
  readonly seed: number;
  readonly gapMs?: number;
}): Traffic => {
  const { texts, customers, gapMs } = options;
  if (customers < 1 || customers > AREA_CODES.length * 100) {
    throw new Error(`customers must be 1 to ${AREA_CODES.length * 100}`);
  }
  if (texts < customers) throw new Error('fewer texts than customers');
  const random = seededRandom(options.seed);
  const order = shuffle(
    random,
    Array.from({ length: texts }, (_, i) => i % customers)
  );
  const sent = new Map<number, number>();
  const personalData = new Set<string>([US_NUMBER]);
  const inputs = order.map((c, i): TrafficInput => {
    const index = sent.get(c) ?? 0;
    sent.set(c, index + 1);
    const content = `Customer ${c} text ${index}: yes, please book me in`;
    const number = `+1${AREA_CODES[Math.floor(c / 100)]}5550${100 + (c % 100)}`;
    personalData.add(number).add(content);
    const at =
      gapMs === undefined
        ? 0
        : index * gapMs + Math.floor(random() * gapMs * 0.5);
    const trackingId = seededUuid(random);
    const body = snsNotificationBody(
      smsMessage({
        originationNumber: number,
        destinationNumber: US_NUMBER,
        messageBody: content,
        messageKeyword: `keyword_${ACCOUNT}`,
        inboundMessageId: seededUuid(random),
      }),
      new Date(START + at + i),
      { messageId: trackingId, random }
    );
    const twice = gapMs !== undefined && random() < 0.1;
    return {
      trackingId,
      kind: 'text',
      body,
      at,
      ...(twice ? { againAt: at + 1_000 + Math.floor(random() * 10_000) } : {}),
      connectKey: messageKey(content),
      customer: number,
    };
  });
  return { inputs, personalData: [...personalData] };
};
