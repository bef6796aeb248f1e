import { startLocalBridge } from '../harness/local-bridge';
import { captureLogs, type LogCaptureOptions } from '../harness/log-capture';
import type { InboundFunction } from '../harness/synth';
import { type BurstText, burstTextOf, generateBurst } from './burst-traffic';
import { simulatedClock } from './clock';
import { connectKeyOfRequest } from './connect-key';
import { connectQuota } from './connect-quota';
import { runEventSource } from './event-source';
import { functionInstances } from './function-instances';
import { seededRandom } from './random';
import { createSimulatedQueue, visibilityChangesTo } from './simulated-queue';
import type { QueueSettings } from './stack-settings';

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

export interface BurstReport {
  readonly settings: QueueSettings & {
    readonly seed: number;
    readonly ratePerSecond: number;
    readonly burst: number;
    readonly retryMode: string;
  };
  readonly texts: number;
  readonly customers: number;
  readonly delivered: number;
  /** Texts Connect accepted more than once, and the extra events. */
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly deadLetteredByReason: Readonly<Record<string, number>>;
  /** Neither delivered nor dead-lettered. */
  readonly lost: number;
  /** Pairs of one customer's texts Connect took out of order. */
  readonly inversions: number;
  readonly customersWithInversions: number;
  readonly connect: {
    readonly calls: number;
    readonly throttled: number;
    readonly callsPerText: number;
  };
  readonly drain: {
    /** Publish (time 0) to Connect's last accepted text, simulated s. */
    readonly seconds: number;
    /** texts / rate: what the quota allows at best. */
    readonly idealSeconds: number;
    readonly textsPerSecond: number;
    /** textsPerSecond / rate. */
    readonly shareOfQuota: number;
  };
  /** Publish to Connect's acceptance, simulated s. */
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly queue: {
    readonly receives: number;
    /** The highest ApproximateReceiveCount any text reached. */
    readonly maxReceiveCount: number;
    readonly movedByRedrivePolicy: number;
  };
  readonly lambda: {
    readonly invocations: number;
    readonly itemFailures: number;
    readonly errors: number;
    readonly timeouts: number;
  };
  readonly time: {
    readonly simulatedSeconds: number;
    readonly skippedSeconds: number;
    readonly wallSeconds: number;
  };
}

/**
 * A campaign's replies, all published at once, through the real bundle
 * behind the simulated queue, against a local Connect that takes
 * `ratePerSecond` calls per second per API and throttles the rest.
 */
export const runBurst = async (options: BurstOptions): Promise<BurstReport> => {
  // process.hrtime stays on the wall clock when the process's time is scaled.
  const wallStart = process.hrtime.bigint();
  const { fn, settings, seed, ratePerSecond } = options;
  const retryMode = options.retryMode ?? 'adaptive';
  const traffic = generateBurst(options);
  const clock = simulatedClock();
  const quota = connectQuota({
    ratePerSecond,
    ...(options.burst === undefined ? {} : { burst: options.burst }),
    now: clock.now,
  });
  const queue = createSimulatedQueue({
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    random: seededRandom(seed ^ 0x5eed),
  });
  const sentAt = new Map<string, number>();
  for (const text of traffic.texts) {
    sentAt.set(text.connectKey, queue.send(text.body, 0).sentAt);
  }

  const capture = captureLogs(options.logs ?? { forward: false });
  const bridge = await startLocalBridge({
    fn,
    logs: options.logs ?? { forward: false },
    sqs: visibilityChangesTo(queue, clock),
    environment: { AWS_RETRY_MODE: retryMode },
  });
  try {
    const acceptedAt = new Map<string, number[]>();
    bridge.connect.always(async (request, next) => {
      const throttled = quota.script(request);
      if (throttled !== undefined) return throttled;
      const reply = await next(request);
      if ('status' in reply && reply.status < 300) {
        const key = connectKeyOfRequest(request.json);
        acceptedAt.set(key, [...(acceptedAt.get(key) ?? []), clock.now()]);
      }
      return reply;
    });
    const instances = functionInstances(fn, capture);
    const batches = await runEventSource({
      queue,
      clock,
      settings,
      instances,
      epoch: Date.UTC(2026, 0, 5, 9, 0, 0),
      queueArn: `arn:aws:sqs:${fn.region}:111122223333:SmsConnectBridge-Queue`,
    });
    const deadLetterReasons = deadLetterReasonsOf(bridge, queue, traffic.texts);
    const calls = quota
      .calls()
      .filter((call) => call.path === '/chat-integration-event');
    const firsts = traffic.texts.flatMap((text) => {
      const at = acceptedAt.get(text.connectKey)?.[0];
      return at === undefined ? [] : [{ text, at }];
    });
    const delivered = firsts.length;
    const lastAt = Math.max(0, ...firsts.map(({ at }) => at));
    const drainSeconds = lastAt / 1000;
    const latencies = firsts
      .map(({ text, at }) => (at - (sentAt.get(text.connectKey) ?? 0)) / 1000)
      .sort((a, b) => a - b);
    const { inversions, customersWithInversions } = countInversions(firsts);
    const reasons: Record<string, number> = {};
    for (const reason of deadLetterReasons.values()) {
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    const responses = batches.filter((b) => b.outcome === 'response');
    return {
      settings: {
        ...settings,
        seed,
        ratePerSecond,
        burst: quota.burst,
        retryMode,
      },
      texts: traffic.texts.length,
      customers: options.customers,
      delivered,
      duplicated: traffic.texts.filter(
        (t) => (acceptedAt.get(t.connectKey)?.length ?? 0) > 1
      ).length,
      deadLettered: traffic.texts.filter(
        (t) =>
          !acceptedAt.has(t.connectKey) && deadLetterReasons.has(t.trackingId)
      ).length,
      deadLetteredByReason: reasons,
      lost: traffic.texts.filter(
        (t) =>
          !acceptedAt.has(t.connectKey) && !deadLetterReasons.has(t.trackingId)
      ).length,
      inversions,
      customersWithInversions,
      connect: {
        calls: calls.length,
        throttled: calls.filter((c) => c.throttled).length,
        callsPerText: calls.length / traffic.texts.length,
      },
      drain: {
        seconds: drainSeconds,
        idealSeconds: traffic.texts.length / ratePerSecond,
        textsPerSecond: drainSeconds === 0 ? 0 : delivered / drainSeconds,
        shareOfQuota:
          drainSeconds === 0 ? 0 : delivered / drainSeconds / ratePerSecond,
      },
      latency: {
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
      },
      queue: {
        receives: queue.statistics().receives,
        maxReceiveCount: Math.max(
          0,
          ...batches.flatMap(({ messages }) =>
            messages.map((m) => m.receiveCount)
          )
        ),
        movedByRedrivePolicy: queue.statistics().redriven,
      },
      lambda: {
        invocations: batches.length,
        itemFailures: responses.reduce((sum, b) => sum + b.failed.length, 0),
        errors: batches.filter((b) => b.outcome === 'error').length,
        timeouts: batches.filter((b) => b.outcome === 'timeout').length,
      },
      time: {
        simulatedSeconds: clock.now() / 1000,
        skippedSeconds: clock.skipped() / 1000,
        wallSeconds: Number(process.hrtime.bigint() - wallStart) / 1e9,
      },
    };
  } finally {
    await bridge.close();
  }
};

/** The reason each dead-lettered text's copy carries, by tracking id. */
const deadLetterReasonsOf = (
  bridge: {
    deadLetters(): readonly {
      Body: string;
      MessageAttributes: Record<string, { StringValue?: string }>;
    }[];
  },
  queue: { deadLetters(): readonly { body: string; reason: string }[] },
  texts: readonly BurstText[]
): Map<string, string> => {
  const byBody = new Map(texts.map((t) => [t.body, t.trackingId]));
  const reasons = new Map<string, string>();
  for (const { Body, MessageAttributes } of bridge.deadLetters()) {
    const id = byBody.get(Body);
    if (id !== undefined) {
      reasons.set(
        id,
        MessageAttributes.failureReason?.StringValue ?? '(no reason)'
      );
    }
  }
  for (const { body, reason } of queue.deadLetters()) {
    const id = byBody.get(body);
    if (id !== undefined) reasons.set(id, reason);
  }
  return reasons;
};

/**
 * Pairs of one customer's texts whose first acceptances came in the other
 * order than the customer sent them.
 */
export const countInversions = (
  firsts: readonly { text: { connectKey: string }; at: number }[]
): { inversions: number; customersWithInversions: number } => {
  const byCustomer = new Map<number, { index: number; at: number }[]>();
  for (const { text, at } of firsts) {
    const place = burstTextOf(text.connectKey.replace(/^MESSAGE /, ''));
    if (place === undefined) continue;
    byCustomer.set(place.customer, [
      ...(byCustomer.get(place.customer) ?? []),
      { index: place.index, at },
    ]);
  }
  let inversions = 0;
  let customersWithInversions = 0;
  for (const texts of byCustomer.values()) {
    let inverted = 0;
    for (const a of texts) {
      for (const b of texts) {
        if (a.index < b.index && a.at > b.at) inverted++;
      }
    }
    inversions += inverted;
    if (inverted > 0) customersWithInversions++;
  }
  return { inversions, customersWithInversions };
};

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ??
      0);
