import { startLocalBridge } from '../harness/local-bridge';
import type { CapturedLine, LogCaptureOptions } from '../harness/log-capture';
import type { InboundFunction } from '../harness/synth';
import {
  connectFaults,
  DEFAULT_WEIGHTS,
  type FaultKind,
  type FaultOf,
  randomFaults,
} from './connect-faults';
import { lambdaFigures, simulate } from './event-source';
import type { QueueSettings } from './stack-settings';
import {
  classifyDuplicates,
  conversationInversions,
  tallyOutcomes,
} from './tally';
import { generateTraffic, type InputKind } from './traffic';

export interface FaultInjectionOptions {
  /** The synthesized inbound function; its bundle handles every batch. */
  readonly fn: InboundFunction;
  /** The synthesized queue and event source mapping settings. */
  readonly settings: QueueSettings;
  /** Inbound SMS published, duplicates not counted. */
  readonly messages: number;
  /** The share of Connect calls that meet a fault. @default 0 */
  readonly faultRate?: number;
  readonly seed: number;
  /** @default DEFAULT_WEIGHTS - no drop after processing */
  readonly faultWeights?: Readonly<Record<FaultKind, number>>;
  /**
   * Which calls fail and how, in place of `faultRate` and `faultWeights`
   * (a schedule the property generates).
   */
  readonly faultOf?: FaultOf;
  /** @default [50, 1500] */
  readonly slowMs?: readonly [number, number];
  /** The share of inputs SNS delivers twice. @default 0.1 */
  readonly duplicateRate?: number;
  /** The share of receives SQS hands out again in flight. @default 0.02 */
  readonly redeliveryWhileInFlightRate?: number;
  /** More environment for the bundle (see `LocalBridgeOptions`). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** @default - the bundle's lines are captured, not printed */
  readonly logs?: LogCaptureOptions;
}

export type FaultInjectionReport = Awaited<
  ReturnType<typeof runFaultInjection>
>;

/**
 * Publishes the traffic to a simulated queue in front of the real bundle,
 * runs Lambda's event source mapping over it against the local Connect
 * (with faults), SQS and DynamoDB, and tallies what became of each SMS.
 */
export const runFaultInjection = async (options: FaultInjectionOptions) => {
  const { fn, settings, seed } = options;
  const faultRate = options.faultRate ?? 0;
  const slowMs = options.slowMs ?? [50, 1500];
  const traffic = generateTraffic({
    messages: options.messages,
    seed,
    ...(options.duplicateRate === undefined
      ? {}
      : { duplicateRate: options.duplicateRate }),
  });
  const faults = connectFaults({
    faultOf:
      options.faultOf ??
      randomFaults({
        seed,
        rate: faultRate,
        weights: options.faultWeights ?? DEFAULT_WEIGHTS,
      }),
    seed,
    slowMs,
  });
  return simulate(
    {
      fn,
      settings,
      seed,
      redeliveryWhileInFlightRate: options.redeliveryWhileInFlightRate ?? 0.02,
      ...(options.logs === undefined ? {} : { logs: options.logs }),
      open: (sqs, logs) =>
        startLocalBridge({
          fn,
          logs,
          sqs,
          ...(options.environment === undefined
            ? {}
            : { environment: options.environment }),
        }),
      fill: (queue) => {
        for (const input of traffic.inputs) {
          queue.send(input.body, 0);
          if (input.duplicate?.mode === 'same-batch') queue.send(input.body, 0);
        }
        for (const input of traffic.inputs) {
          if (input.duplicate?.mode === 'later') {
            queue.send(input.body, input.duplicate.delayMs);
          }
        }
      },
      arm: (bridge) => bridge.connect.always(faults.script),
    },
    ({ bridge, queue, clock, batches, lines, coldStarts, wallSeconds }) => {
      const accepted = bridge.connect.accepted();
      const { outcomes, ...outcome } = tallyOutcomes({
        inputs: traffic.inputs,
        accepted,
        deadLetters: bridge.deadLetters(),
        redriven: queue.deadLetters(),
      });
      const counts = faults.counts();
      const faultsInjected = sum(Object.values(counts.faults));
      const droppedAfter = faults.droppedAfterProcessing();
      const stats = queue.statistics();
      return {
        settings: {
          ...settings,
          seed,
          faultRate,
          functionTimeoutSeconds: fn.timeoutSeconds,
          slowMs,
        },
        inputs: {
          total: traffic.inputs.length,
          byKind: countKinds(traffic.inputs.map(({ kind }) => kind)),
          publishedTwice: traffic.inputs.filter((i) => i.duplicate).length,
        },
        outcome,
        order: conversationInversions(
          traffic.inputs.map(({ connectKey }) => connectKey),
          accepted
        ),
        connect: {
          calls: counts.calls,
          accepted: accepted.length,
          faults: counts.faults,
          faultsInjected,
          faultRate: counts.calls === 0 ? 0 : faultsInjected / counts.calls,
          inputsDroppedAfterProcessing: droppedAfter.size,
          duplicatesExplainedByDropAfter: traffic.inputs.filter(
            (input, i) =>
              outcomes[i]?.outcome === 'duplicated' &&
              input.connectKey !== undefined &&
              droppedAfter.has(input.connectKey)
          ).length,
        },
        queue: {
          sqsMessages: stats.sent,
          receives: stats.receives,
          redeliveries: batches
            .flatMap(({ messages }) => messages)
            .filter(({ receiveCount }) => receiveCount > 1).length,
          redeliveredWhileInFlight: stats.redeliveredWhileInFlight,
          staleDeletes: stats.staleDeletes,
          visibilityChanges: stats.visibilityChanges,
          staleVisibilityChanges: stats.staleVisibilityChanges,
          movedByRedrivePolicy: stats.redriven,
        },
        duplicateDeliveries: classifyDuplicates(batches),
        lambda: lambdaFigures(batches, coldStarts),
        logs: {
          lines: lines.length,
          linesWithPersonalData: countLeaks(lines, traffic.personalData),
        },
        time: {
          simulatedSeconds: clock.now() / 1000,
          skippedSeconds: clock.skipped() / 1000,
          wallSeconds: wallSeconds(),
        },
        unexpectedOutcomes: outcomes.filter(({ expected }) => !expected),
      };
    }
  );
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

const countKinds = (kinds: readonly InputKind[]) => {
  const counts: Record<InputKind, number> = {
    text: 0,
    'opt-out': 0,
    'invalid-payload': 0,
    'unknown-destination': 0,
    'empty-body': 0,
  };
  for (const kind of kinds) counts[kind]++;
  return counts;
};

/**
 * Lines that hold a phone number (with or without its plus sign) or a
 * text of the traffic, as is or JSON-escaped.
 */
export const countLeaks = (
  lines: readonly CapturedLine[],
  personalData: readonly string[]
): number => {
  const needles = personalData.flatMap((value) =>
    value.startsWith('+')
      ? [value.slice(1)]
      : [value, JSON.stringify(value).slice(1, -1)]
  );
  return lines.filter(({ line }) => needles.some((n) => line.includes(n)))
    .length;
};
