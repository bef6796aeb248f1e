import { inboundSms, smsMessage, snsNotificationBody } from '../harness/events';
import { SAMPLE_NUMBERS } from '../harness/synth';
import {
  integerBetween,
  pick,
  type Random,
  seededRandom,
  seededUuid,
} from '../local-aws/random';
import { disconnectKey, messageKey } from './connect';

// Fictitious numbers only: NANP 555-01xx and Ofcom's 07700 900xxx range.
const US_NUMBER = '+12065550100';
const UK_NUMBER = '+447700900000';
const UNKNOWN_NUMBER = '+12065550177';

export interface TrafficInput {
  readonly trackingId: string;
  readonly kind: string;
  readonly body: string;
  readonly at: number;
  readonly againAt?: number;
  readonly connectKey?: string;
  readonly customer?: string;
}

/** `{n}` becomes the customer and the text's place, so that every text is unique. */
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

const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

/**
 * `messages` SMS from `customers` customers, each customer's in order,
 * interleaved: all at once (a campaign's replies), or `gapMs` apart, give or
 * take; SNS publishes 10% twice, in the same batch or minutes later. With
 * `undeliverable`, 4% of the customers end with an opt-out, and payloads to
 * dead-letter (malformed, to an unknown number, empty) replace some texts.
 */
export const generateTraffic = (options: {
  readonly messages: number;
  readonly customers: number;
  readonly seed: number;
  readonly gapMs?: number;
  readonly undeliverable?: boolean;
}) => {
  const { messages, customers, gapMs = 0 } = options;
  const share = (rate: number, least: number) =>
    options.undeliverable ? Math.max(least, Math.round(messages * rate)) : 0;
  const optOuts = Math.min(customers, share(0.04, 1));
  const others = Object.entries({
    'invalid-payload': share(0.015, 5),
    'unknown-destination': share(0.01, 2),
    'empty-body': share(0.005, 2),
  }).flatMap(([kind, n]) => Array<string>(n).fill(kind));
  const texts = messages - optOuts - others.length;
  if (!(customers >= 1 && messages >= customers && texts >= 0)) {
    throw new Error(`too few messages for ${customers} customers`);
  }
  const random = seededRandom(options.seed);
  const kinds = shuffle(random, [...others, ...Array(texts).fill('text')]);
  const order = shuffle(
    random,
    Array.from({ length: messages }, (_, i) => i % customers)
  );
  const sent = new Map<number, number>();
  const personalData = new Set([US_NUMBER, UK_NUMBER, UNKNOWN_NUMBER]);
  let invalid = 0;

  const inputs = order.map((c, i): TrafficInput => {
    const index = sent.get(c) ?? 0;
    sent.set(c, index + 1);
    const last = index === Math.floor((messages - 1 - c) / customers);
    const kind = c < optOuts && last ? 'opt-out' : (kinds.pop() as string);
    const number = `+1${300 + Math.floor(c / 100)}5550${100 + (c % 100)}`;
    const text = pick(random, TEXTS).replace('{n}', `${c}-${index}`);
    const sms = inboundSms({
      originationNumber: number,
      destinationNumber: c % 4 === 3 ? UK_NUMBER : US_NUMBER,
      messageBody: text,
      inboundMessageId: seededUuid(random),
    });
    let payload: unknown = sms;
    let connectKey = messageKey(text);
    if (kind === 'opt-out') {
      sms.messageBody = pick(
        random,
        'STOP Stop Stop! QUIT Unsubscribe ARRET'.split(' ')
      );
      const arn = SAMPLE_NUMBERS[sms.destinationNumber] as string;
      connectKey = disconnectKey(number, arn);
    } else if (kind === 'empty-body') {
      sms.messageBody = pick(random, ['', '   ', '\n']);
    } else if (kind === 'unknown-destination') {
      sms.destinationNumber = UNKNOWN_NUMBER;
    } else if (kind === 'invalid-payload') {
      // Payloads End User Messaging would never send, but a bridge may meet.
      const { originationNumber, inboundMessageId: _, ...withoutId } = sms;
      payload = [
        { ...sms, originationNumber: originationNumber.slice(1) },
        smsMessage(sms).slice(0, 40),
        withoutId,
        { ...sms, messageBody: 42 },
        { ...sms, destinationNumber: 'our number' },
      ][invalid++ % 5];
    }
    personalData.add(number).add(text);
    const at = gapMs && index * gapMs + Math.floor(random() * gapMs * 0.5);
    const trackingId = seededUuid(random);
    const published = new Date(TRAFFIC_START + at + i);
    const body = snsNotificationBody(smsMessage(payload), published, {
      messageId: trackingId,
      random,
    });
    const again =
      random() < 0.1 &&
      (random() < 0.5 ? at : at + integerBetween(random, 1, 600) * 1000);
    return {
      trackingId,
      kind,
      body,
      at,
      ...(again !== false && { againAt: again }),
      ...((kind === 'text' || kind === 'opt-out') && { connectKey }),
      customer: number,
    };
  });
  return { inputs, personalData: [...personalData] };
};

export type Traffic = ReturnType<typeof generateTraffic>;
