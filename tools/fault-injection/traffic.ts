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
// Fictitious numbers only: NANP 555-01xx and Ofcom's 07700 900xxx range.
const US_NUMBER = '+12065550100';
const UK_NUMBER = '+447700900000';
const UNKNOWN_NUMBER = '+12065550177';
const BRIDGE_NUMBERS: Readonly<Record<string, string>> = {
  [US_NUMBER]: `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`,
  [UK_NUMBER]: `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-fedcba9876543210fedcba9876543210`,
};

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

export interface TrafficInput {
  readonly trackingId: string;
  readonly kind: string;
  readonly body: string;
  readonly at: number;
  readonly againAt?: number;
  readonly connectKey?: string;
  readonly expectedReason?: FailureReason;
  readonly customer?: string;
}

export interface Traffic {
  readonly inputs: readonly TrafficInput[];
  readonly personalData: readonly string[];
}

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
/** When the simulated day begins: SNS's `Timestamp` and SQS's `SentTimestamp` both count from it. */
export const TRAFFIC_START = Date.UTC(2026, 0, 5, 9, 0, 0);

const notification = (
  random: Random,
  payload: unknown,
  at: number,
  messageId: string
) =>
  snsNotificationBody(smsMessage(payload), new Date(TRAFFIC_START + at), {
    messageId,
    random,
  });

const smsFrom = (
  random: Random,
  originationNumber: string,
  destinationNumber: string,
  messageBody = ''
) => ({
  originationNumber,
  destinationNumber,
  messageBody,
  messageKeyword: `keyword_${ACCOUNT}`,
  inboundMessageId: seededUuid(random),
});

const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/**
 * A day of SMS from 300 customers: texts, opt-outs, and payloads to
 * dead-letter (malformed, to an unknown number, empty); 10% sent twice.
 */
export const generateTraffic = (messages: number, seed: number): Traffic => {
  const random = seededRandom(seed);
  const share = (rate: number, least: number) =>
    Math.max(least, Math.round(messages * rate));
  const others = {
    'opt-out': Math.min(300, share(0.04, 1)),
    'invalid-payload': share(0.015, 5),
    'unknown-destination': share(0.01, 2),
    'empty-body': share(0.005, 2),
  };
  const texts = messages - Object.values(others).reduce((a, b) => a + b);
  if (texts < 1) throw new Error(`too few messages: ${messages}`);
  const kinds = shuffle(
    random,
    Object.entries({ text: texts, ...others }).flatMap(([kind, n]) =>
      Array<string>(n).fill(kind)
    )
  );
  // Customers 200 to 299 text the UK number, the others the US one.
  const customers = Array.from({ length: 300 }, (_, i) => i);
  const optingOut = shuffle(random, customers).slice(0, others['opt-out']);
  const personalData = new Set([US_NUMBER, UK_NUMBER, UNKNOWN_NUMBER]);
  let serial = 10_000;
  let invalid = 0;
  const text = () => pick(random, TEXTS).replace('{n}', String(serial++));

  const inputs = kinds.map((kind, index): TrafficInput => {
    // A few customers send many texts, most send one or two.
    const c =
      (kind === 'opt-out'
        ? optingOut.pop()
        : Math.floor(300 * random() ** 2)) ?? 0;
    const line = `${100 + (c % 100)}`.padStart(4, '0');
    const uk = c >= 200;
    const number = uk
      ? `+44770090${line}`
      : `+1${c < 100 ? 425 : 503}555${line}`;
    const sms = smsFrom(random, number, uk ? UK_NUMBER : US_NUMBER);
    let payload: unknown = sms;
    let connectKey: string | undefined;
    if (kind === 'text') {
      sms.messageBody = text();
      connectKey = messageKey(sms.messageBody);
    } else if (kind === 'opt-out') {
      sms.messageBody = pick(
        random,
        'STOP Stop Stop! QUIT Unsubscribe ARRET'.split(' ')
      );
      const arn = BRIDGE_NUMBERS[sms.destinationNumber] as string;
      connectKey = disconnectKey(number, arn);
    } else if (kind === 'empty-body') {
      sms.messageBody = pick(random, ['', '   ', '\n']);
    } else if (kind === 'unknown-destination') {
      sms.destinationNumber = UNKNOWN_NUMBER;
      sms.messageBody = text();
    } else {
      // Payloads End User Messaging would never send, but a bridge may meet.
      sms.messageBody = text();
      const { originationNumber, inboundMessageId: _, ...withoutId } = sms;
      payload = [
        { ...sms, originationNumber: originationNumber.slice(1) },
        smsMessage(sms).slice(0, 40),
        withoutId,
        { ...sms, messageBody: 42 },
        { ...sms, destinationNumber: 'our number' },
      ][invalid++ % 5];
    }
    personalData.add(number);
    if (sms.messageBody.length >= 8) personalData.add(sms.messageBody);
    const trackingId = seededUuid(random);
    const body = notification(random, payload, index * 50, trackingId);
    // Again in the same batch, or minutes later.
    const again =
      random() < 0.1 &&
      (random() < 0.5 ? 0 : integerBetween(random, 60, 900) * 1000);
    return {
      trackingId,
      kind,
      body,
      at: 0,
      ...(again === false ? {} : { againAt: again }),
      ...(connectKey
        ? { connectKey }
        : { expectedReason: kind as FailureReason }),
    };
  });
  return { inputs, personalData: [...personalData] };
};

// Fictitious numbers only: 555-0100 to 555-0199 of twenty NANP area codes.
const AREA_CODES = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217,
  218, 219, 224, 225, 228,
];

/**
 * Each customer's texts in order, interleaved: all at once (a campaign's
 * replies), or `gapMs` apart, give or take, with 10% sent twice.
 */
export const customerTraffic = (options: {
  readonly texts: number;
  readonly customers: number;
  readonly seed: number;
  readonly gapMs?: number;
}): Traffic => {
  const { texts, customers, gapMs } = options;
  if (!(customers >= 1 && customers <= 2000 && texts >= customers)) {
    throw new Error('texts >= customers, customers from 1 to 2,000');
  }
  const random = seededRandom(options.seed);
  const order = shuffle(
    random,
    Array.from({ length: texts }, (_, i) => i % customers)
  );
  const sent = new Map<number, number>();
  const personalData = new Set([US_NUMBER]);
  const inputs = order.map((c, i): TrafficInput => {
    const index = sent.get(c) ?? 0;
    sent.set(c, index + 1);
    const content = `Customer ${c} text ${index}: yes, please book me in`;
    const number = `+1${AREA_CODES[Math.floor(c / 100)]}5550${100 + (c % 100)}`;
    personalData.add(number).add(content);
    const at = gapMs ? index * gapMs + Math.floor(random() * gapMs * 0.5) : 0;
    const trackingId = seededUuid(random);
    const sms = smsFrom(random, number, US_NUMBER, content);
    const body = notification(random, sms, at + i, trackingId);
    const twice = gapMs !== undefined && random() < 0.1;
    return {
      trackingId,
      kind: 'text',
      body,
      at,
      ...(twice && { againAt: at + 1_000 + Math.floor(random() * 10_000) }),
      connectKey: messageKey(content),
      customer: number,
    };
  });
  return { inputs, personalData: [...personalData] };
};
