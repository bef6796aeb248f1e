import { smsMessage, snsNotificationBody } from '../harness/events';
import { startLocalParticipantBridge } from '../harness/local-participant-bridge';
import type { LogCaptureOptions } from '../harness/log-capture';
import type { ParticipantBundles } from '../harness/synth';
import type { LocalChat } from '../local-aws/connect-chat';
import type { RecordedRequest } from '../local-aws/endpoint';
import { seededRandom, seededUuid } from '../local-aws/random';
import {
  connectFaults,
  type FaultKind,
  type FaultOf,
  randomFaults,
} from './connect-faults';
import { lambdaFigures, simulate } from './event-source';
import type { QueueSettings } from './stack-settings';
import { countInversions } from './tally';
import { customerText, customerTextOf } from './traffic';

const ACCOUNT = '111122223333';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
// Fictitious numbers only: NANP 555-01xx.
const BRIDGE_NUMBER = '+12065550100';
const BRIDGE_NUMBER_ARN = `arn:aws:sms-voice:us-east-1:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef`;

/** The context the participant-mode run synthesizes the app with. */
export const PARTICIPANT_FAULT_INJECTION_CONTEXT = {
  connectInstanceArn: `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${INSTANCE_ID}`,
  deliveryMode: 'participant',
  contactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  phoneNumbers: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  contactAttributes: JSON.stringify({ channel: 'sms' }),
};

/** Every fault kind, a dropped answer after processing included. */
export const PARTICIPANT_FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  throttle: 1,
  'server-error': 1,
  'drop-before': 1,
  slow: 1,
  'drop-after': 1,
};

export interface ParticipantFaultInjectionOptions {
  readonly bundles: ParticipantBundles;
  readonly settings: QueueSettings;
  /** @default 40 */
  readonly customers?: number;
  /** Texts per customer. @default 5 */
  readonly textsPerCustomer?: number;
  /** The share of chat calls that meet a fault. @default 0 */
  readonly faultRate?: number;
  readonly seed: number;
  /** @default PARTICIPANT_FAULT_WEIGHTS */
  readonly faultWeights?: Readonly<Record<FaultKind, number>>;
  /**
   * Which calls fail and how, in place of `faultRate` and `faultWeights`;
   * a call's key is its route and the attempt its place among the route's
   * calls (see `byRoute`).
   */
  readonly faultOf?: FaultOf;
  /** @default [50, 1500] */
  readonly slowMs?: readonly [number, number];
  /** Simulated time between two texts of a customer. @default 20_000 */
  readonly gapMs?: number;
  /** The share of texts SNS delivers twice. @default 0.1 */
  readonly duplicateRate?: number;
  /** @default 0.02 */
  readonly redeliveryWhileInFlightRate?: number;
  /** @default - captured, not printed */
  readonly logs?: LogCaptureOptions;
}

export type ParticipantFaultInjectionReport = Awaited<
  ReturnType<typeof runParticipantFaultInjection>
>;

/** The chat calls of participant mode, each counted under its own key. */
const ROUTES: Readonly<Record<string, string>> = {
  '/contact/chat': 'StartChatContact',
  '/contact/start-streaming': 'StartContactStreaming',
  '/participant/connection': 'CreateParticipantConnection',
  '/participant/message': 'SendMessage',
};

/**
 * The attempts of one call: its client token, or for a connection the
 * participant token it is made with (the call has no client token).
 */
const participantKeyOf = (request: RecordedRequest): string | undefined => {
  const route = ROUTES[request.path];
  if (route === undefined) return undefined;
  if (route === 'CreateParticipantConnection') {
    return `${route} ${String(request.headers['x-amz-bearer'])}`;
  }
  const token = (request.json as { ClientToken?: unknown } | undefined)
    ?.ClientToken;
  return `${route} ${String(token)}`;
};

const textOf = (c: number, j: number) =>
  customerText(c, j, 'where is my parcel?');

/** A call's route, each of its calls an attempt: for a fault schedule. */
export const byRoute = (request: RecordedRequest): string | undefined =>
  ROUTES[request.path];

/**
 * Participant mode under faults: customers text the bridge a few times
 * each, through a simulated queue (redeliveries, SNS duplicates) in front
 * of the real inbound bundle, while a share of StartChatContact,
 * StartContactStreaming, CreateParticipantConnection and SendMessage calls
 * are throttled, fail, drop before or after the service processed them,
 * or answer late. Counts what the local Connect ends up with: chats per
 * customer, texts in two chats or twice in one, lost, and out of order.
 */
export const runParticipantFaultInjection = async (
  options: ParticipantFaultInjectionOptions
) => {
  const { bundles, settings, seed } = options;
  const faultRate = options.faultRate ?? 0;
  const customers = options.customers ?? 40;
  const perCustomer = options.textsPerCustomer ?? 5;
  const gapMs = options.gapMs ?? 20_000;
  const slowMs = options.slowMs ?? [50, 1500];
  const numbers = Array.from(
    { length: customers },
    (_, c) => `+1425555${String(100 + c).padStart(4, '0')}`
  );
  const faults = connectFaults({
    faultOf:
      options.faultOf ??
      randomFaults({
        seed,
        rate: faultRate,
        weights: options.faultWeights ?? PARTICIPANT_FAULT_WEIGHTS,
      }),
    seed,
    slowMs,
    keyOf: options.faultOf === undefined ? participantKeyOf : byRoute,
  });
  let publishedTwice = 0;
  return simulate(
    {
      fn: bundles.inbound,
      settings,
      seed,
      redeliveryWhileInFlightRate: options.redeliveryWhileInFlightRate ?? 0.02,
      ...(options.logs === undefined ? {} : { logs: options.logs }),
      open: (sqs, logs) => startLocalParticipantBridge({ bundles, logs, sqs }),
      fill: (queue) => {
        const random = seededRandom(seed);
        for (let j = 0; j < perCustomer; j++) {
          for (let c = 0; c < customers; c++) {
            const at = j * gapMs + Math.floor(random() * gapMs * 0.5);
            const message = smsMessage({
              originationNumber: numbers[c],
              destinationNumber: BRIDGE_NUMBER,
              messageKeyword: `keyword_${ACCOUNT}`,
              messageBody: textOf(c, j),
              inboundMessageId: seededUuid(random),
              previousPublishedMessageId: seededUuid(random),
            });
            const body = snsNotificationBody(
              message,
              new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + at),
              { messageId: seededUuid(random), random }
            );
            queue.send(body, at);
            if (random() < (options.duplicateRate ?? 0.1)) {
              publishedTwice++;
              queue.send(body, at + 1_000 + Math.floor(random() * 10_000));
            }
          }
        }
      },
      arm: async (bridge) => {
        // The bridge loaded the outbound bundle last: an empty batch puts
        // the process back in the inbound function's environment, which
        // the execution environments load their bundles in.
        await bridge.invokeInbound({ Records: [] });
        bridge.connect.always(faults.script);
        bridge.participant.always(faults.script);
      },
    },
    ({ bridge, queue, clock, batches, lines, coldStarts, wallSeconds }) => {
      const chats = bridge.chats.list();
      const chatsOf = new Map<string, LocalChat[]>();
      for (const chat of chats) {
        const attributes = chat.start.Attributes as
          | { customerPhoneNumber?: string }
          | undefined;
        const customer = String(attributes?.customerPhoneNumber);
        chatsOf.set(customer, [...(chatsOf.get(customer) ?? []), chat]);
      }
      const chatsPerCustomer: Record<string, number> = {};
      // Where each text landed: chat ids, one per time it is in one.
      const landed = new Map<string, string[]>();
      const orders: number[][] = [];
      for (const number of numbers) {
        const own = chatsOf.get(number) ?? [];
        const n = String(own.length);
        chatsPerCustomer[n] = (chatsPerCustomer[n] ?? 0) + 1;
        const order: number[] = [];
        for (const chat of [...own].sort((a, b) => a.startedAt - b.startedAt)) {
          for (const { Content } of chat.messages) {
            landed.set(Content, [
              ...(landed.get(Content) ?? []),
              chat.contactId,
            ]);
            const place = customerTextOf(Content);
            if (place) order.push(place.index);
          }
        }
        orders.push(order);
      }
      const { inversions, groupsWithInversions } = countInversions(orders);
      const deadLettered = new Set(
        [
          ...bridge.inboundDeadLetters().map((m) => m.Body),
          ...queue.deadLetters().map((m) => m.body),
        ].flatMap((body) => {
          const match = /Customer \d+ text \d+:[^"\\]*/.exec(body);
          return match ? [match[0]] : [];
        })
      );
      let textsInTwoChats = 0;
      let textsTwiceInAChat = 0;
      let lost = 0;
      for (let c = 0; c < customers; c++) {
        for (let j = 0; j < perCustomer; j++) {
          const text = textOf(c, j);
          const where = landed.get(text) ?? [];
          if (new Set(where).size > 1) textsInTwoChats++;
          if (new Set(where).size < where.length) textsTwiceInAChat++;
          if (where.length === 0 && !deadLettered.has(text)) lost++;
        }
      }
      const counts = faults.counts();
      const faultsInjected = Object.values(counts.faults).reduce(
        (sum, n) => sum + n,
        0
      );
      const callsByRoute: Record<string, number> = {};
      for (const { request } of bridge.wire) {
        const route = ROUTES[request.path];
        if (route !== undefined) {
          callsByRoute[route] = (callsByRoute[route] ?? 0) + 1;
        }
      }
      return {
        settings: { ...settings, seed, faultRate, slowMs, gapMs },
        texts: customers * perCustomer,
        customers,
        publishedTwice,
        chatsPerCustomer,
        chats: chats.length,
        textsInTwoChats,
        textsTwiceInAChat,
        lost,
        deadLettered: deadLettered.size,
        inversions,
        customersWithInversions: groupsWithInversions,
        calls: {
          total: counts.calls,
          faults: counts.faults,
          faultsInjected,
          faultRate: counts.calls === 0 ? 0 : faultsInjected / counts.calls,
          droppedAfterProcessing: faults.droppedAfterProcessing().size,
          byRoute: callsByRoute,
        },
        resumedChats: lines.filter(({ line }) =>
          line.includes('the chat is resumed, not opened again')
        ).length,
        lambda: lambdaFigures(batches, coldStarts),
        time: {
          simulatedSeconds: clock.now() / 1000,
          wallSeconds: wallSeconds(),
        },
      };
    }
  );
};
