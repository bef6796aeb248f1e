import { smsMessage } from '../harness/events';
import { messageKey } from './connect-key';
import { type Random, seededRandom, seededUuid } from './random';
import { snsNotification } from './sns-notification';
import { BRIDGE_NUMBERS } from './traffic';

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

export interface BurstTraffic {
  readonly texts: readonly BurstText[];
  readonly personalData: readonly string[];
}

// Fictitious numbers only: 555-0100 to 555-0199 of twenty NANP area codes.
const AREA_CODES = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217,
  218, 219, 224, 225, 228,
];
export const MAX_BURST_CUSTOMERS = AREA_CODES.length * 100;

const customerNumber = (customer: number): string =>
  `+1${AREA_CODES[Math.floor(customer / 100)]}5550${100 + (customer % 100)}`;

const TEXT_PATTERN = /^Customer (\d+) text (\d+):/;

/** The customer and place of a text, from its content. */
export const burstTextOf = (
  content: string
): { customer: number; index: number } | undefined => {
  const match = TEXT_PATTERN.exec(content);
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
}): BurstTraffic => {
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
  const destination = Object.keys(BRIDGE_NUMBERS)[0] as string;
  const sent = new Map<number, number>();
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const personalData = new Set<string>([destination]);
  const burst = order.map((customer, i): BurstText => {
    const index = sent.get(customer) ?? 0;
    sent.set(customer, index + 1);
    const number = customerNumber(customer);
    personalData.add(number);
    const content = `Customer ${customer} text ${index}: yes, please book me in`;
    const trackingId = seededUuid(random);
    return {
      trackingId,
      customer,
      index,
      connectKey: messageKey(content),
      body: snsNotification(
        smsMessage({
          originationNumber: number,
          destinationNumber: destination,
          messageBody: content,
          messageKeyword: 'keyword_111122223333',
          inboundMessageId: seededUuid(random),
        }),
        trackingId,
        new Date(start + i),
        random
      ),
    };
  });
  return { texts: burst, personalData: [...personalData] };
};

const shuffle = <T>(random: Random, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};
