import { startLocalBridge } from '../harness/local-bridge';
import { startLocalParticipantBridge } from '../harness/local-participant-bridge';
import type { CapturedLine, LogCaptureOptions } from '../harness/log-capture';
import type { InboundFunction, ParticipantBundles } from '../harness/synth';
import type { Responder } from '../local-aws/endpoint';
import type { Script } from '../local-aws/scripted';
import type { Queue, StoredMessage } from '../local-aws/sqs';
import {
  type ConnectScript,
  chatRouteOf,
  connectKeyOf,
  messageKey,
} from './connect';
import { type Batch, type QueueSettings, simulate } from './simulation';
import type { Traffic, TrafficInput } from './traffic';

/** A copy in the dead-letter queue and the reason it carries. */
export interface Letter {
  readonly body: string;
  readonly reason: string;
}

const lettersOf = (messages: readonly StoredMessage[]): Letter[] =>
  messages.map(({ Body, MessageAttributes }) => ({
    body: Body,
    reason: MessageAttributes.failureReason?.StringValue ?? '(no reason)',
  }));

/** The notification's MessageId: the same for every copy SNS delivers. */
const snsMessageIdOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { MessageId?: string }).MessageId;
  } catch {
    return undefined;
  }
};

const reasonsById = (letters: readonly Letter[]) => {
  const reasons = new Map<string, string[]>();
  for (const { body, reason } of letters) {
    const id = snsMessageIdOf(body) ?? '(unreadable)';
    reasons.set(id, [...(reasons.get(id) ?? []), reason]);
  }
  return reasons;
};

const countBy = <T>(items: Iterable<T>, key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

/** Sends each input, and SNS's second copy right after it, or later. */
const publish = (queue: Queue, inputs: readonly TrafficInput[]) => {
  for (const { body, at, againAt } of inputs) {
    queue.send(body, at);
    if (againAt === at) queue.send(body, at);
  }
  for (const { body, at, againAt } of inputs) {
    if (againAt !== undefined && againAt > at) queue.send(body, againAt);
  }
};

export type Outcome =
  | 'delivered-once'
  | 'duplicated'
  | 'dead-lettered'
  | 'lost';

/**
 * Settles each input: delivered exactly once (Connect accepted one event
 * for it), duplicated (more), dead-lettered (none, but a copy is in the
 * dead-letter queue with a reason) or lost (neither). A deliverable input
 * is expected forwarded once, or dead-lettered only by the redrive policy;
 * an undeliverable one, dead-lettered with its own reason on every copy.
 */
export const tallyOutcomes = (
  inputs: readonly TrafficInput[],
  accepted: readonly unknown[],
  letters: readonly Letter[]
) => {
  const acceptedByKey = countBy(accepted, connectKeyOf);
  const reasons = reasonsById(letters);
  const outcomes = inputs.map((input) => {
    const count = acceptedByKey[input.connectKey ?? ''] ?? 0;
    const why = reasons.get(input.trackingId) ?? [];
    const outcome: Outcome =
      count > 1
        ? 'duplicated'
        : count === 1
          ? 'delivered-once'
          : why.length > 0
            ? 'dead-lettered'
            : 'lost';
    const expected =
      input.expectedReason === undefined
        ? outcome !== 'duplicated' &&
          outcome !== 'lost' &&
          why.every((reason) => reason === 'maxReceiveCount exceeded')
        : outcome === 'dead-lettered' &&
          why.every((reason) => reason === input.expectedReason);
    return { input, outcome, accepted: count, reasons: why, expected };
  });
  const only = (outcome: Outcome) =>
    outcomes.filter((o) => o.outcome === outcome);
  const explained = new Set(inputs.map(({ connectKey }) => connectKey));
  return {
    outcomes,
    figures: {
      deliveredExactlyOnce: only('delivered-once').length,
      duplicated: only('duplicated').length,
      deadLettered: only('dead-lettered').length,
      deadLetteredByReason: countBy(
        only('dead-lettered').flatMap((o) => [...new Set(o.reasons)]),
        (reason) => reason
      ),
      lost: only('lost').length,
      // Events Connect accepted beyond the first for an input.
      duplicatesForwarded: outcomes.reduce(
        (sum, o) => sum + Math.max(0, o.accepted - 1),
        0
      ),
      unexpected: outcomes.filter((o) => !o.expected).length,
      // Accepted events that no input explains.
      unattributedEvents: Object.entries(acceptedByKey)
        .filter(([key]) => !explained.has(key))
        .reduce((sum, [, n]) => sum + n, 0),
      deadLetterMessages: letters.length,
    },
  };
};

/**
 * Pairs taken out of order: each group lists its items' places in the
 * order sent, as they were taken.
 */
const countInversions = (groups: Iterable<readonly number[]>) => {
  let inversions = 0;
  let groupsWithInversions = 0;
  for (const order of groups) {
    const inverted = order.reduce(
      (sum, a, i) => sum + order.slice(i + 1).filter((b) => b < a).length,
      0
    );
    inversions += inverted;
    if (inverted > 0) groupsWithInversions++;
  }
  return { inversions, groupsWithInversions };
};

/**
 * The inversions within each conversation (`SourceId`, `DestinationId`):
 * `publishOrder` lists the inputs' Connect keys as SNS published them; an
 * event accepted again counts at its first acceptance only.
 */
export const conversationInversions = (
  publishOrder: readonly (string | undefined)[],
  accepted: readonly unknown[]
) => {
  const rank = new Map<string, number>();
  publishOrder.forEach((key, index) => {
    if (key !== undefined && !rank.has(key)) rank.set(key, index);
  });
  const byConversation = new Map<string, number[]>();
  for (const request of accepted) {
    const position = rank.get(connectKeyOf(request));
    if (position === undefined) continue;
    rank.delete(connectKeyOf(request));
    const { SourceId, DestinationId } = request as Record<string, unknown>;
    const conversation = `${String(SourceId)} ${String(DestinationId)}`;
    byConversation.set(conversation, [
      ...(byConversation.get(conversation) ?? []),
      position,
    ]);
  }
  const { inversions, groupsWithInversions } = countInversions(
    byConversation.values()
  );
  return { inversions, conversationsWithInversions: groupsWithInversions };
};

/**
 * Deliveries of an input that another delivery of it preceded or
 * overlapped; a redelivery of the same SQS message is a retry, not one.
 */
const classifyDuplicates = (batches: readonly Batch[]) => {
  const seen = new Map<string, { batch: Batch; messageId: string }[]>();
  const counts = { sameBatch: 0, concurrent: 0, later: 0 };
  for (const batch of [...batches].sort((a, b) => a.startedAt - b.startedAt)) {
    for (const { body, messageId } of batch.messages) {
      const id = snsMessageIdOf(body) ?? messageId;
      const earlier = seen.get(id) ?? [];
      if (earlier.some((e) => e.batch === batch)) counts.sameBatch++;
      else if (earlier.some((e) => e.batch.endedAt > batch.startedAt)) {
        counts.concurrent++;
      } else if (earlier.some((e) => e.messageId !== messageId)) {
        counts.later++;
      }
      seen.set(id, [...earlier, { batch, messageId }]);
    }
  }
  return counts;
};

/** Lines holding a phone number (plus sign or not) or a text, JSON-escaped or not. */
const countLeaks = (
  lines: readonly CapturedLine[],
  personalData: readonly string[]
) => {
  const needles = personalData.flatMap((value) =>
    value.startsWith('+')
      ? [value.slice(1)]
      : [value, JSON.stringify(value).slice(1, -1)]
  );
  return lines.filter(({ line }) => needles.some((n) => line.includes(n)))
    .length;
};

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;

/**
 * Publishes the traffic to a simulated queue in front of the real inbound
 * bundle (integration-event mode), runs Lambda's event source mapping over
 * it against the local Connect behind `connect` (faults or a quota), SQS
 * and DynamoDB, and tallies what became of each SMS.
 */
export const runInbound = (options: {
  readonly fn: InboundFunction;
  readonly settings: QueueSettings;
  readonly seed: number;
  readonly traffic: Traffic;
  readonly connect: ConnectScript;
  /** More environment for the bundle (an SDK setting). */
  readonly environment?: Readonly<Record<string, string>>;
  /** The share of receives SQS hands out again in flight. @default 0.02 */
  readonly strayRate?: number;
  readonly logs?: LogCaptureOptions;
}) => {
  const { fn, settings, seed, traffic } = options;
  const accepted: { body: unknown; at: number }[] = [];
  let calls = 0;
  let throttled = 0;
  return simulate(
    {
      fn,
      settings,
      seed,
      strayRate: options.strayRate ?? 0.02,
      logs: options.logs,
      open: (sqs, logs) =>
        startLocalBridge({ fn, logs, sqs, environment: options.environment }),
      fill: (queue) => publish(queue, traffic.inputs),
      arm: (bridge, clock) =>
        bridge.connect.always(async (request, next) => {
          // Connect took the event even if its answer is then dropped.
          const take: Responder = async (call) => {
            const reply = await next(call);
            if ('status' in reply && reply.status < 300) {
              accepted.push({ body: call.json, at: clock.now() });
            }
            return reply;
          };
          const reply =
            (await options.connect(request, take, clock.now())) ??
            (await take(request));
          calls++;
          if ('status' in reply && reply.status === 429) throttled++;
          return reply;
        }),
    },
    ({ bridge, queue, clock, batches, lines, lambda, wallSeconds }) => {
      const { inputs } = traffic;
      const bodies = accepted.map(({ body }) => body);
      const { outcomes, figures } = tallyOutcomes(inputs, bodies, [
        ...lettersOf(bridge.deadLetters()),
        ...queue.deadLetters(),
      ]);
      const firstAt = new Map<string, number>();
      for (const { body, at } of [...accepted].reverse()) {
        firstAt.set(connectKeyOf(body), at);
      }
      const latencies = inputs
        .flatMap(({ connectKey, at }) => {
          const first = firstAt.get(connectKey ?? '');
          return first === undefined ? [] : [(first - at) / 1000];
        })
        .sort((a, b) => a - b);
      const stats = queue.statistics();
      const received = batches.flatMap(({ messages }) => messages);
      return {
        settings: {
          ...settings,
          seed,
          functionTimeoutSeconds: fn.timeoutSeconds,
        },
        inputs: {
          total: inputs.length,
          byKind: countBy(inputs, ({ kind }) => kind),
          publishedTwice: inputs.filter((i) => i.againAt !== undefined).length,
        },
        outcome: figures,
        order: conversationInversions(
          inputs.map(({ connectKey }) => connectKey),
          bodies
        ),
        connect: { calls, throttled, accepted: accepted.length },
        drain: {
          delivered: latencies.length,
          seconds: Math.max(0, ...firstAt.values()) / 1000,
        },
        latency: {
          p50: quantile(latencies, 0.5),
          p99: quantile(latencies, 0.99),
        },
        duplicateDeliveries: classifyDuplicates(batches),
        queue: {
          sqsMessages: stats.sent,
          receives: stats.receives,
          redeliveries: received.filter((m) => m.receiveCount > 1).length,
          redeliveredWhileInFlight: stats.redeliveredWhileInFlight,
          visibilityChanges: stats.visibilityChanges,
          movedByRedrivePolicy: stats.redriven,
          maxReceiveCount: Math.max(0, ...received.map((m) => m.receiveCount)),
        },
        lambda,
        logs: {
          lines: lines.length,
          withPersonalData: countLeaks(lines, traffic.personalData),
        },
        time: {
          simulatedSeconds: clock.now() / 1000,
          skippedSeconds: clock.skipped() / 1000,
          wallSeconds,
        },
        outcomes,
      };
    }
  );
};

/**
 * Participant mode: the traffic through the simulated queue in front of
 * the real inbound bundle, with `faults` in front of Connect's chat routes
 * and the participant service. Counts what the local Connect ends up
 * with: chats per customer, texts in two chats or twice in one, lost, and
 * out of order.
 */
export const runParticipant = (options: {
  readonly bundles: ParticipantBundles;
  readonly settings: QueueSettings;
  readonly seed: number;
  readonly traffic: Traffic;
  readonly faults: Script;
  readonly logs?: LogCaptureOptions;
}) => {
  const { bundles, settings, seed, traffic } = options;
  return simulate(
    {
      fn: bundles.inbound,
      settings,
      seed,
      strayRate: 0.02,
      logs: options.logs,
      open: (sqs, logs) => startLocalParticipantBridge({ bundles, logs, sqs }),
      fill: (queue) => publish(queue, traffic.inputs),
      arm: async (bridge) => {
        // The bridge loaded the outbound bundle last: an empty batch puts
        // the process back in the inbound function's environment, which
        // the execution environments load their bundles in.
        await bridge.invokeInbound({ Records: [] });
        bridge.connect.always(options.faults);
        bridge.participant.always(options.faults);
      },
    },
    ({ bridge, queue, clock, lines, lambda, wallSeconds }) => {
      const { inputs } = traffic;
      const rank = new Map(inputs.map(({ connectKey }, i) => [connectKey, i]));
      const chats = [...bridge.chats.list()].sort(
        (a, b) => a.startedAt - b.startedAt
      );
      const chatsOf: Record<string, number> = {};
      // Where each text landed: a chat id each time it is in one.
      const landed = new Map<string, string[]>();
      const orders = new Map<string, number[]>();
      for (const chat of chats) {
        const attributes = chat.start.Attributes as
          | { customerPhoneNumber?: string }
          | undefined;
        const customer = String(attributes?.customerPhoneNumber);
        chatsOf[customer] = (chatsOf[customer] ?? 0) + 1;
        for (const { Content } of chat.messages) {
          const key = messageKey(Content);
          landed.set(key, [...(landed.get(key) ?? []), chat.contactId]);
          const place = rank.get(key);
          if (place === undefined) continue;
          orders.set(customer, [...(orders.get(customer) ?? []), place]);
        }
      }
      const customers = new Set(inputs.map(({ customer }) => customer));
      const where = inputs.map(
        ({ connectKey }) => landed.get(connectKey ?? '') ?? []
      );
      const reasons = reasonsById([
        ...lettersOf(bridge.inboundDeadLetters()),
        ...queue.deadLetters(),
      ]);
      const order = countInversions(orders.values());
      return {
        settings: { ...settings, seed },
        texts: inputs.length,
        customers: customers.size,
        publishedTwice: inputs.filter((i) => i.againAt !== undefined).length,
        chats: chats.length,
        chatsPerCustomer: countBy(customers, (c) =>
          String(chatsOf[`${c}`] ?? 0)
        ),
        textsInTwoChats: where.filter((w) => new Set(w).size > 1).length,
        textsTwiceInAChat: where.filter((w) => new Set(w).size < w.length)
          .length,
        lost: inputs.filter(
          (input, i) => where[i]?.length === 0 && !reasons.has(input.trackingId)
        ).length,
        deadLettered: inputs.filter((i) => reasons.has(i.trackingId)).length,
        inversions: order.inversions,
        customersWithInversions: order.groupsWithInversions,
        callsByRoute: countBy(
          bridge.wire.filter(({ request }) => chatRouteOf(request)),
          ({ request }) => chatRouteOf(request) ?? ''
        ),
        resumedChats: lines.filter(({ line }) =>
          line.includes('the chat is resumed, not opened again')
        ).length,
        lambda,
        time: { simulatedSeconds: clock.now() / 1000, wallSeconds },
      };
    }
  );
};
