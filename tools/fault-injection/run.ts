import { performance } from 'node:perf_hooks';
import { startLocalBridge } from '../harness/local-bridge';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from '../harness/log-capture';
import type { InboundFunction } from '../harness/synth';
import { simulatedClock } from './clock';
import {
  connectFaults,
  DEFAULT_WEIGHTS,
  type FaultKind,
} from './connect-faults';
import { runEventSource } from './event-source';
import { functionInstances } from './function-instances';
import { countInversions, type Inversions } from './inversions';
import { seededRandom } from './random';
import { createSimulatedQueue, visibilityChangesTo } from './simulated-queue';
import type { QueueSettings } from './stack-settings';
import {
  classifyDuplicates,
  type DuplicateDeliveries,
  type Tally,
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
  /** The share of Connect calls that meet a fault. */
  readonly faultRate: number;
  readonly seed: number;
  /** @default DEFAULT_WEIGHTS - no drop after processing */
  readonly faultWeights?: Readonly<Record<FaultKind, number>>;
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

export interface FaultInjectionReport {
  readonly settings: QueueSettings & {
    readonly seed: number;
    /** The share of Connect calls asked to meet a fault. */
    readonly faultRate: number;
    readonly functionTimeoutSeconds: number;
    readonly slowMs: readonly [number, number];
  };
  readonly inputs: {
    readonly total: number;
    readonly byKind: Readonly<Record<InputKind, number>>;
    /** Inputs SNS delivered twice. */
    readonly publishedTwice: number;
  };
  readonly outcome: Omit<Tally, 'outcomes'>;
  /** Order within each conversation, as Connect took the texts. */
  readonly order: Inversions;
  readonly connect: {
    readonly calls: number;
    readonly accepted: number;
    readonly faults: Readonly<Record<FaultKind, number>>;
    readonly faultsInjected: number;
    /** faultsInjected / calls. */
    readonly faultRate: number;
    /** Inputs whose call Connect processed before the connection dropped. */
    readonly inputsDroppedAfterProcessing: number;
    /** Of the duplicated inputs, those such a drop explains. */
    readonly duplicatesExplainedByDropAfter: number;
  };
  readonly queue: {
    readonly sqsMessages: number;
    readonly receives: number;
    readonly redeliveries: number;
    readonly redeliveredWhileInFlight: number;
    readonly staleDeletes: number;
    /** Failed records whose wait the handler shortened. */
    readonly visibilityChanges: number;
    readonly staleVisibilityChanges: number;
    readonly movedByRedrivePolicy: number;
  };
  readonly duplicateDeliveries: DuplicateDeliveries;
  readonly lambda: {
    readonly invocations: number;
    readonly batchesWithItemFailures: number;
    readonly itemFailures: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly invalidResponses: number;
    readonly coldStarts: number;
  };
  readonly logs: {
    readonly lines: number;
    readonly linesWithPersonalData: number;
  };
  readonly time: {
    readonly simulatedSeconds: number;
    readonly skippedSeconds: number;
    readonly wallSeconds: number;
  };
  /** Inputs whose outcome is not what their kind calls for (ids only). */
  readonly unexpectedOutcomes: Tally['outcomes'];
}

/**
 * Publishes the traffic to a simulated queue in front of the real bundle,
 * runs Lambda's event source mapping over it against the local Connect
 * (with faults), SQS and DynamoDB, and tallies what became of each SMS.
 */
export const runFaultInjection = async (
  options: FaultInjectionOptions
): Promise<FaultInjectionReport> => {
  const wallStart = performance.now();
  const { fn, settings, seed } = options;
  const slowMs = options.slowMs ?? [50, 1500];
  const traffic = generateTraffic({
    messages: options.messages,
    seed,
    ...(options.duplicateRate === undefined
      ? {}
      : { duplicateRate: options.duplicateRate }),
  });
  const faults = connectFaults({
    seed,
    rate: options.faultRate,
    weights: options.faultWeights ?? DEFAULT_WEIGHTS,
    slowMs,
  });
  const clock = simulatedClock();
  const queue = createSimulatedQueue({
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    redeliveryWhileInFlightRate: options.redeliveryWhileInFlightRate ?? 0.02,
    random: seededRandom(seed ^ 0x5eed),
  });
  for (const input of traffic.inputs) {
    queue.send(input.body, 0);
    if (input.duplicate?.mode === 'same-batch') queue.send(input.body, 0);
  }
  for (const input of traffic.inputs) {
    if (input.duplicate?.mode === 'later') {
      queue.send(input.body, input.duplicate.delayMs);
    }
  }

  const capture = captureLogs(options.logs ?? { forward: false });
  const bridge = await startLocalBridge({
    fn,
    logs: options.logs ?? { forward: false },
    sqs: visibilityChangesTo(queue, clock),
    ...(options.environment === undefined
      ? {}
      : { environment: options.environment }),
  });
  try {
    bridge.connect.always(faults.script);
    const instances = functionInstances(fn, capture);
    const batches = await runEventSource({
      queue,
      clock,
      settings,
      instances,
      epoch: Date.UTC(2026, 0, 5, 9, 0, 0),
      queueArn: `arn:aws:sqs:${fn.region}:111122223333:SmsConnectBridge-Queue`,
    });
    const accepted = bridge.connect.accepted();
    const tally = tallyOutcomes({
      inputs: traffic.inputs,
      accepted,
      deadLetters: bridge.deadLetters(),
      redriven: queue.deadLetters(),
    });
    const { outcomes, ...outcome } = tally;
    const counts = faults.counts();
    const faultsInjected = Object.values(counts.faults).reduce(
      (sum, n) => sum + n,
      0
    );
    const droppedAfter = faults.droppedAfterProcessing();
    const stats = queue.statistics();
    const lines = [...bridge.logs, ...capture.lines];
    return {
      settings: {
        ...settings,
        seed,
        faultRate: options.faultRate,
        functionTimeoutSeconds: fn.timeoutSeconds,
        slowMs,
      },
      inputs: {
        total: traffic.inputs.length,
        byKind: countKinds(traffic.inputs.map(({ kind }) => kind)),
        publishedTwice: traffic.inputs.filter((i) => i.duplicate).length,
      },
      outcome,
      order: countInversions(
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
      lambda: {
        invocations: batches.length,
        batchesWithItemFailures: batches.filter(
          (b) => b.outcome === 'response' && b.failed.length > 0
        ).length,
        itemFailures: batches
          .filter((b) => b.outcome === 'response')
          .reduce((sum, b) => sum + b.failed.length, 0),
        errors: batches.filter((b) => b.outcome === 'error').length,
        timeouts: batches.filter((b) => b.outcome === 'timeout').length,
        invalidResponses: batches.filter(
          (b) => b.outcome === 'invalid-response'
        ).length,
        coldStarts: instances.coldStarts(),
      },
      logs: {
        lines: lines.length,
        linesWithPersonalData: countLeaks(lines, traffic.personalData),
      },
      time: {
        simulatedSeconds: clock.now() / 1000,
        skippedSeconds: clock.skipped() / 1000,
        wallSeconds: (performance.now() - wallStart) / 1000,
      },
      unexpectedOutcomes: outcomes.filter(({ expected }) => !expected),
    };
  } finally {
    await bridge.close();
  }
};

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
const countLeaks = (
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
