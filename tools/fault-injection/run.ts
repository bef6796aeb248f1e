import { startLocalBridge } from '../harness/local-bridge';
import { startLocalParticipantBridge } from '../harness/local-participant-bridge';
import type { LogCaptureOptions } from '../harness/log-capture';
import type { InboundFunction, ParticipantBundles } from '../harness/synth';
import type { RecordedRequest, Responder } from '../local-aws/endpoint';
import { seededRandom } from '../local-aws/random';
import { MAX_RECEIVE_COUNT_EXCEEDED } from '../local-aws/sqs';
import { type ConnectScript, connectKeyOf } from './connect';
import {
  executionEnvironments,
  type QueueSettings,
  runEventSource,
  simulatedClock,
} from './simulation';
import type { Traffic, TrafficInput } from './traffic';

export type Letter = { readonly body: string; readonly reason: string };

const countBy = <T>(items: Iterable<T>, key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * What became of each input. Expected: a deliverable one forwarded once or
 * redriven; an undeliverable one dead-lettered, every copy with its kind.
 */
export const tallyOutcomes = (
  inputs: readonly TrafficInput[],
  accepted: readonly unknown[],
  letters: readonly Letter[]
) => {
  const acceptedByKey = countBy(accepted, connectKeyOf);
  const outcomes = inputs.map((input) => {
    const count = acceptedByKey[`${input.connectKey}`] ?? 0;
    // The SNS MessageId, the same in every copy SNS sends.
    const reasons = letters
      .filter(({ body }) => body.includes(`"${input.trackingId}"`))
      .map(({ reason }) => reason);
    const outcome =
      count > 1
        ? 'duplicated'
        : count === 1
          ? 'delivered-once'
          : reasons.length > 0
            ? 'dead-lettered'
            : 'lost';
    // An SMS with nothing for Connect is dead-lettered for its kind.
    const deliverable = input.connectKey !== undefined;
    const reason = deliverable ? MAX_RECEIVE_COUNT_EXCEEDED : input.kind;
    const expected =
      reasons.every((r) => r === reason) &&
      (deliverable
        ? count < 2 && outcome !== 'lost'
        : outcome === 'dead-lettered');
    return { input, outcome, reasons, expected };
  });
  const only = (outcome: string) =>
    outcomes.filter((o) => o.outcome === outcome);
  const known = new Set(inputs.map(({ connectKey }) => `${connectKey}`));
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
      unexpected: outcomes.filter((o) => !o.expected).length,
      unattributedEvents: accepted.filter((e) => !known.has(connectKeyOf(e)))
        .length,
    },
  };
};

/** Pairs of a conversation's events accepted out of publication order. */
export const conversationInversions = (
  publishOrder: readonly (string | undefined)[],
  accepted: readonly unknown[]
) => {
  // Reversed, so that a key's first place is the one kept.
  const rank = new Map(
    publishOrder.map((key, i) => [key, i] as const).reverse()
  );
  const byConversation = new Map<string, number[]>();
  for (const request of accepted) {
    const position = rank.get(connectKeyOf(request));
    if (position === undefined) continue;
    rank.delete(connectKeyOf(request));
    const { SourceId, DestinationId } = request as Record<string, unknown>;
    const order = byConversation.get(`${SourceId} ${DestinationId}`) ?? [];
    byConversation.set(`${SourceId} ${DestinationId}`, [...order, position]);
  }
  return sum(
    [...byConversation.values()].map((order) =>
      sum(order.map((a, i) => order.slice(i + 1).filter((b) => b < a).length))
    )
  );
};

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;

/**
 * The traffic through a simulated queue and event source mapping into the
 * real bundle, `connect` in front of Connect: what became of each SMS.
 */
export const runTraffic = async (options: {
  readonly bundle: InboundFunction | ParticipantBundles;
  readonly settings: QueueSettings;
  readonly seed: number;
  readonly traffic: Traffic;
  readonly connect: ConnectScript;
  readonly environment?: Readonly<Record<string, string>>;
  /** The share of receives SQS hands out again in flight. @default 0.02 */
  readonly strayRate?: number;
  readonly logs?: LogCaptureOptions;
}) => {
  const { bundle, settings, traffic, environment } = options;
  const { inputs } = traffic;
  const logs = options.logs ?? { forward: false };
  const clock = simulatedClock();
  const sqs = { now: clock.now };
  const bridge =
    'inbound' in bundle
      ? await startLocalParticipantBridge({ bundles: bundle, logs, sqs })
      : await startLocalBridge({ fn: bundle, logs, sqs, environment });
  try {
    const queue = bridge.sqs.queue(bridge.queueUrl, {
      ...settings,
      redeliveryWhileInFlightRate: options.strayRate ?? 0.02,
      random: seededRandom(options.seed ^ 0x5eed),
    });
    // The queue hands out the oldest first: SNS's second copy comes right
    // after the first, or later.
    for (const { body, at, againAt } of inputs) {
      queue.send(body, at);
      if (againAt !== undefined) queue.send(body, againAt);
    }
    const firstAt = new Map<string, number>();
    const script = async (request: RecordedRequest, next: Responder) => {
      // Connect took the event even if its answer is then dropped.
      const take: Responder = async (call) => {
        const reply = await next(call);
        const key = connectKeyOf(call.json);
        if ('status' in reply && reply.status < 300 && !firstAt.has(key)) {
          firstAt.set(key, clock.now());
        }
        return reply;
      };
      return (
        (await options.connect(request, take, clock.now())) ??
        (await take(request))
      );
    };
    if ('participant' in bridge) {
      // The bridge loaded the outbound bundle last: an empty batch puts
      // the process back in the inbound function's environment.
      await bridge.invokeInbound({ Records: [] });
      bridge.participant.always(script);
    }
    bridge.connect.always(script);
    const fn = 'inbound' in bundle ? bundle.inbound : bundle;
    const { invoke, ...environments } = executionEnvironments(fn, logs);
    const batches = await runEventSource({ queue, clock, settings, invoke });
    await environments.settle();
    const lines = [...bridge.logs, ...environments.lines];
    // A phone number (plus sign or not) or a text, even JSON-escaped.
    const leaks = traffic.personalData.flatMap((value) =>
      value.startsWith('+')
        ? [value.slice(1)]
        : [value, JSON.stringify(value).slice(1, -1)]
    );

    const chats =
      'chats' in bridge
        ? bridge.chats.list().sort((a, b) => a.startedAt - b.startedAt)
        : undefined;
    const customerOf = ({ start }: { start: Record<string, unknown> }) =>
      `${(start.Attributes as Record<string, string>)?.customerPhoneNumber}`;
    const events =
      'chats' in bridge
        ? (chats ?? []).flatMap((chat) =>
            chat.messages.map(({ Content }) => ({
              body: { SourceId: customerOf(chat), Event: { Content } },
              chat: chat.contactId,
            }))
          )
        : bridge.connect.accepted().map((body) => ({ body, chat: '' }));
    const bodies = events.map(({ body }) => body);
    const { outcomes, figures } = tallyOutcomes(inputs, bodies, [
      ...bridge
        .deadLettersOf('DeadLetterQueue')
        .map(({ Body, MessageAttributes }) => ({
          body: Body,
          reason: MessageAttributes.failureReason?.StringValue ?? 'no reason',
        })),
      ...queue.deadLetters(),
    ]);
    const customers = new Set(inputs.map(({ customer }) => customer));
    const firsts = inputs.flatMap(({ connectKey, at }) => {
      const first = firstAt.get(`${connectKey}`);
      return first === undefined ? [] : [{ first, wait: (first - at) / 1000 }];
    });
    const waits = firsts.map(({ wait }) => wait).sort((a, b) => a - b);
    const received = batches.flatMap(({ messages }) => messages);
    return {
      inputs: {
        total: inputs.length,
        byKind: countBy(inputs, ({ kind }) => kind),
        publishedTwice: inputs.filter((i) => i.againAt !== undefined).length,
      },
      outcome: figures,
      inversions: conversationInversions(
        inputs.map(({ connectKey }) => connectKey),
        bodies
      ),
      ...(chats && {
        chats: {
          customersWithoutOne: [...customers].filter(
            (customer) =>
              chats.filter((c) => customerOf(c) === customer).length !== 1
          ).length,
          textsInTwo: inputs.filter(({ connectKey }) => {
            const landed = events.filter(
              (e) => connectKeyOf(e.body) === connectKey
            );
            return new Set(landed.map(({ chat }) => chat)).size > 1;
          }).length,
          resumed: lines.filter(({ line }) =>
            line.includes('the chat is resumed, not opened again')
          ).length,
        },
      }),
      drain: {
        delivered: firsts.length,
        seconds: Math.max(0, ...firsts.map(({ first }) => first)) / 1000,
      },
      latency: { p50: quantile(waits, 0.5), p99: quantile(waits, 0.99) },
      queue: {
        visibilityChanges: queue.statistics().visibilityChanges,
        maxReceiveCount: Math.max(0, ...received.map((m) => m.receiveCount)),
      },
      lambda: {
        itemFailures: sum(
          batches.map((b) => (b.kind === 'response' ? b.failed.length : 0))
        ),
        timeouts: batches.filter((b) => b.kind === 'timeout').length,
      },
      logs: {
        lines: lines.length,
        withPersonalData: lines.filter(({ line }) =>
          leaks.some((leak) => line.includes(leak))
        ).length,
      },
      outcomes,
    };
  } finally {
    await bridge.close();
  }
};
