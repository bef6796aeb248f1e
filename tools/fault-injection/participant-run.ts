import { performance } from 'node:perf_hooks';
import { smsMessage } from '../harness/events';
import { startLocalParticipantBridge } from '../harness/local-participant-bridge';
import { captureLogs, type LogCaptureOptions } from '../harness/log-capture';
import type { ParticipantBundles } from '../harness/synth';
import type { LocalChat } from '../local-aws/connect-chat';
import type { RecordedRequest } from '../local-aws/endpoint';
import { simulatedClock } from './clock';
import { connectFaults, type FaultKind } from './connect-faults';
import { runEventSource } from './event-source';
import { functionInstances } from './function-instances';
import { seededRandom, seededUuid } from './random';
import { createSimulatedQueue, visibilityChangesTo } from './simulated-queue';
import { snsNotification } from './sns-notification';
import type { QueueSettings } from './stack-settings';

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
  /** The share of chat calls that meet a fault. */
  readonly faultRate: number;
  readonly seed: number;
  /** @default PARTICIPANT_FAULT_WEIGHTS */
  readonly faultWeights?: Readonly<Record<FaultKind, number>>;
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

export interface ParticipantFaultInjectionReport {
  readonly settings: QueueSettings & {
    readonly seed: number;
    readonly faultRate: number;
    readonly slowMs: readonly [number, number];
    readonly gapMs: number;
  };
  readonly texts: number;
  readonly customers: number;
  readonly publishedTwice: number;
  /** How many customers have how many chats: `{ "1": 40 }` is the goal. */
  readonly chatsPerCustomer: Readonly<Record<string, number>>;
  readonly chats: number;
  /** Texts found in more than one chat. */
  readonly textsInTwoChats: number;
  /** Texts in one chat more than once. */
  readonly textsTwiceInAChat: number;
  /** Texts in no chat and not in the dead-letter queue. */
  readonly lost: number;
  readonly deadLettered: number;
  /** Pairs of a customer's texts that reached the chat in the wrong order. */
  readonly inversions: number;
  readonly customersWithInversions: number;
  readonly calls: {
    readonly total: number;
    readonly faults: Readonly<Record<FaultKind, number>>;
    readonly faultsInjected: number;
    readonly faultRate: number;
    /** Calls processed whose answer was lost, by route. */
    readonly droppedAfterProcessing: number;
    readonly byRoute: Readonly<Record<string, number>>;
  };
  readonly resumedChats: number;
  readonly lambda: {
    readonly invocations: number;
    readonly itemFailures: number;
    readonly errors: number;
    readonly timeouts: number;
  };
  readonly time: {
    readonly simulatedSeconds: number;
    readonly wallSeconds: number;
  };
}

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

/** Customer `c`'s `j`th text: unique, and says whose and which it is. */
const textOf = (c: number, j: number) =>
  `Customer ${c} text ${j}: where is my parcel?`;
const TEXT_PATTERN = /^Customer (\d+) text (\d+):/;

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
): Promise<ParticipantFaultInjectionReport> => {
  const wallStart = performance.now();
  const { bundles, settings, seed } = options;
  const customers = options.customers ?? 40;
  const perCustomer = options.textsPerCustomer ?? 5;
  const gapMs = options.gapMs ?? 20_000;
  const slowMs = options.slowMs ?? [50, 1500];
  const random = seededRandom(seed);
  const numbers = Array.from(
    { length: customers },
    (_, c) => `+1425555${String(100 + c).padStart(4, '0')}`
  );

  const faults = connectFaults({
    seed,
    rate: options.faultRate,
    weights: options.faultWeights ?? PARTICIPANT_FAULT_WEIGHTS,
    slowMs,
    keyOf: participantKeyOf,
  });
  const clock = simulatedClock();
  const queue = createSimulatedQueue({
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    redeliveryWhileInFlightRate: options.redeliveryWhileInFlightRate ?? 0.02,
    random: seededRandom(seed ^ 0x5eed),
  });
  let publishedTwice = 0;
  for (let j = 0; j < perCustomer; j++) {
    for (let c = 0; c < customers; c++) {
      const at = j * gapMs + Math.floor(random() * gapMs * 0.5);
      const body = snsNotification(
        smsMessage({
          originationNumber: numbers[c],
          destinationNumber: BRIDGE_NUMBER,
          messageKeyword: `keyword_${ACCOUNT}`,
          messageBody: textOf(c, j),
          inboundMessageId: seededUuid(random),
          previousPublishedMessageId: seededUuid(random),
        }),
        seededUuid(random),
        new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + at),
        random
      );
      queue.send(body, at);
      if (random() < (options.duplicateRate ?? 0.1)) {
        publishedTwice++;
        queue.send(body, at + 1_000 + Math.floor(random() * 10_000));
      }
    }
  }

  const capture = captureLogs(options.logs ?? { forward: false });
  const bridge = await startLocalParticipantBridge({
    bundles,
    logs: options.logs ?? { forward: false },
    sqs: visibilityChangesTo(queue, clock),
  });
  try {
    // The bridge loaded the outbound bundle last: an empty batch puts the
    // process back in the inbound function's environment, which the
    // execution environments below load their bundles in.
    await bridge.invokeInbound({ Records: [] });
    bridge.connect.always(faults.script);
    bridge.participant.always(faults.script);
    const instances = functionInstances(bundles.inbound, capture);
    const batches = await runEventSource({
      queue,
      clock,
      settings,
      instances,
      epoch: Date.UTC(2026, 0, 5, 9, 0, 0),
      queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:SmsConnectBridge-Queue`,
    });
    await instances.settle();

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
    for (const number of numbers) {
      const n = String(chatsOf.get(number)?.length ?? 0);
      chatsPerCustomer[n] = (chatsPerCustomer[n] ?? 0) + 1;
    }

    // Where each text landed: chat ids, one per time it is in one.
    const landed = new Map<string, string[]>();
    let inversions = 0;
    let customersWithInversions = 0;
    for (const number of numbers) {
      const order: number[] = [];
      const own = [...(chatsOf.get(number) ?? [])].sort(
        (a, b) => a.startedAt - b.startedAt
      );
      for (const chat of own) {
        for (const message of chat.messages) {
          landed.set(message.Content, [
            ...(landed.get(message.Content) ?? []),
            chat.contactId,
          ]);
          const match = TEXT_PATTERN.exec(message.Content);
          if (match) order.push(Number(match[2]));
        }
      }
      let inverted = 0;
      for (let a = 0; a < order.length; a++) {
        for (let b = a + 1; b < order.length; b++) {
          if ((order[a] ?? 0) > (order[b] ?? 0)) inverted++;
        }
      }
      inversions += inverted;
      if (inverted > 0) customersWithInversions++;
    }
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
    const byRoute: Record<string, number> = {};
    for (const { request } of bridge.wire) {
      const route = ROUTES[request.path];
      if (route !== undefined) byRoute[route] = (byRoute[route] ?? 0) + 1;
    }
    const resumedChats = [...bridge.logs, ...capture.lines].filter(({ line }) =>
      line.includes('the chat is resumed, not opened again')
    ).length;
    return {
      settings: {
        ...settings,
        seed,
        faultRate: options.faultRate,
        slowMs,
        gapMs,
      },
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
      customersWithInversions,
      calls: {
        total: counts.calls,
        faults: counts.faults,
        faultsInjected,
        faultRate: counts.calls === 0 ? 0 : faultsInjected / counts.calls,
        droppedAfterProcessing: faults.droppedAfterProcessing().size,
        byRoute,
      },
      resumedChats,
      lambda: {
        invocations: batches.length,
        itemFailures: batches
          .filter((b) => b.outcome === 'response')
          .reduce((sum, b) => sum + b.failed.length, 0),
        errors: batches.filter((b) => b.outcome === 'error').length,
        timeouts: batches.filter((b) => b.outcome === 'timeout').length,
      },
      time: {
        simulatedSeconds: clock.now() / 1000,
        wallSeconds: (performance.now() - wallStart) / 1000,
      },
    };
  } finally {
    await bridge.close();
  }
};
