import { startLocalBridge } from '../harness/local-bridge';
import type { LogCaptureOptions } from '../harness/log-capture';
import type { InboundFunction } from '../harness/synth';
import { connectKeyOfRequest } from './connect-key';
import { connectQuota } from './connect-quota';
import { lambdaFigures, simulate } from './event-source';
import type { QueueSettings } from './stack-settings';
import { countInversions } from './tally';
import { type BurstText, customerTextOf, generateBurst } from './traffic';

export interface BurstOptions {
  readonly fn: InboundFunction;
  readonly settings: QueueSettings;
  readonly texts: number;
  readonly customers: number;
  /** Connect's quota: calls per second per API. */
  readonly ratePerSecond: number;
  /** @default defaultBurst(ratePerSecond) */
  readonly burst?: number;
  readonly seed: number;
  /** The SDK retry mode of the bundle's Connect client. @default adaptive */
  readonly retryMode?: 'adaptive' | 'standard';
  /** @default - the bundle's lines are captured, not printed */
  readonly logs?: LogCaptureOptions;
}

export type BurstReport = Awaited<ReturnType<typeof runBurst>>;

/**
 * A campaign's replies, all published at once, through the real bundle
 * behind the simulated queue, against a local Connect that takes
 * `ratePerSecond` calls per second per API and throttles the rest.
 */
export const runBurst = async (options: BurstOptions) => {
  const { fn, settings, seed, ratePerSecond } = options;
  const retryMode = options.retryMode ?? 'adaptive';
  const texts = generateBurst(options);
  const acceptedAt = new Map<string, number[]>();
  let quota: ReturnType<typeof connectQuota> | undefined;
  return simulate(
    {
      fn,
      settings,
      seed,
      ...(options.logs === undefined ? {} : { logs: options.logs }),
      open: (sqs, logs) =>
        startLocalBridge({
          fn,
          logs,
          sqs,
          environment: { AWS_RETRY_MODE: retryMode },
        }),
      fill: (queue) => {
        for (const text of texts) queue.send(text.body, 0);
      },
      arm: (bridge, clock) => {
        const limit = connectQuota({
          ratePerSecond,
          ...(options.burst === undefined ? {} : { burst: options.burst }),
          now: clock.now,
        });
        quota = limit;
        bridge.connect.always(async (request, next) => {
          const throttled = limit.script(request);
          if (throttled !== undefined) return throttled;
          const reply = await next(request);
          if ('status' in reply && reply.status < 300) {
            const key = connectKeyOfRequest(request.json);
            acceptedAt.set(key, [...(acceptedAt.get(key) ?? []), clock.now()]);
          }
          return reply;
        });
      },
    },
    ({ bridge, queue, clock, batches, coldStarts, wallSeconds }) => {
      const limit = quota as ReturnType<typeof connectQuota>;
      const reasons = deadLetterReasonsOf(
        [
          ...bridge.deadLetters().map(({ Body, MessageAttributes }) => ({
            body: Body,
            reason:
              MessageAttributes.failureReason?.StringValue ?? '(no reason)',
          })),
          ...queue.deadLetters(),
        ],
        texts
      );
      const calls = limit
        .calls()
        .filter((call) => call.path === '/chat-integration-event');
      // Texts are sent at time 0: the time of acceptance is the latency.
      const firsts = texts.flatMap((text) => {
        const at = acceptedAt.get(text.connectKey)?.[0];
        return at === undefined ? [] : [{ text, at }];
      });
      const delivered = firsts.length;
      const drainSeconds = Math.max(0, ...firsts.map(({ at }) => at)) / 1000;
      const latencies = firsts.map(({ at }) => at / 1000).sort((a, b) => a - b);
      const byCustomer = new Map<number, number[]>();
      for (const { text } of [...firsts].sort((a, b) => a.at - b.at)) {
        const place = customerTextOf(text.connectKey.replace(/^MESSAGE /, ''));
        if (place === undefined) continue;
        byCustomer.set(place.customer, [
          ...(byCustomer.get(place.customer) ?? []),
          place.index,
        ]);
      }
      const order = countInversions(byCustomer.values());
      const byReason: Record<string, number> = {};
      for (const reason of reasons.values()) {
        byReason[reason] = (byReason[reason] ?? 0) + 1;
      }
      const undelivered = texts.filter((t) => !acceptedAt.has(t.connectKey));
      const stats = queue.statistics();
      return {
        settings: {
          ...settings,
          seed,
          ratePerSecond,
          burst: limit.burst,
          retryMode,
        },
        texts: texts.length,
        customers: options.customers,
        delivered,
        duplicated: texts.filter(
          (t) => (acceptedAt.get(t.connectKey)?.length ?? 0) > 1
        ).length,
        deadLettered: undelivered.filter((t) => reasons.has(t.trackingId))
          .length,
        deadLetteredByReason: byReason,
        lost: undelivered.filter((t) => !reasons.has(t.trackingId)).length,
        inversions: order.inversions,
        customersWithInversions: order.groupsWithInversions,
        connect: {
          calls: calls.length,
          throttled: calls.filter((c) => c.throttled).length,
          callsPerText: calls.length / texts.length,
        },
        drain: {
          seconds: drainSeconds,
          idealSeconds: texts.length / ratePerSecond,
          textsPerSecond: drainSeconds === 0 ? 0 : delivered / drainSeconds,
          shareOfQuota:
            drainSeconds === 0 ? 0 : delivered / drainSeconds / ratePerSecond,
        },
        latency: {
          p50: quantile(latencies, 0.5),
          p99: quantile(latencies, 0.99),
        },
        queue: {
          receives: stats.receives,
          maxReceiveCount: Math.max(
            0,
            ...batches.flatMap(({ messages }) =>
              messages.map((m) => m.receiveCount)
            )
          ),
          movedByRedrivePolicy: stats.redriven,
        },
        lambda: lambdaFigures(batches, coldStarts),
        time: {
          simulatedSeconds: clock.now() / 1000,
          skippedSeconds: clock.skipped() / 1000,
          wallSeconds: wallSeconds(),
        },
      };
    }
  );
};

/** The reason each dead-lettered text's copy carries, by tracking id. */
const deadLetterReasonsOf = (
  letters: readonly { body: string; reason: string }[],
  texts: readonly BurstText[]
): Map<string, string> => {
  const byBody = new Map(texts.map((t) => [t.body, t.trackingId]));
  const reasons = new Map<string, string>();
  for (const { body, reason } of letters) {
    const id = byBody.get(body);
    if (id !== undefined) reasons.set(id, reason);
  }
  return reasons;
};

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ??
      0);
