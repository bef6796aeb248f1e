import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalSqs } from '../harness/bridge-start';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from '../harness/log-capture';
import type { InboundFunction } from '../harness/synth';
import { seededRandom } from '../local-aws/random';
import type {
  Queue,
  ReceivedMessage,
  SqsResponderOptions,
} from '../local-aws/sqs';
import { type SimulatedClock, simulatedClock } from './clock';
import {
  type FunctionInstances,
  functionInstances,
  type InvocationOutcome,
} from './function-instances';
import type { QueueSettings } from './stack-settings';

export interface EventSourceOptions {
  readonly queue: Queue;
  readonly clock: SimulatedClock;
  readonly settings: QueueSettings;
  readonly instances: FunctionInstances;
  /** The wall-clock time of the queue's time 0, for record timestamps. */
  readonly epoch: number;
  readonly queueArn: string;
}

/** One invocation with one batch, and what became of its messages. */
export interface Batch {
  readonly id: number;
  /** The execution environment that ran it. */
  readonly slot: number;
  readonly messages: readonly ReceivedMessage[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: InvocationOutcome['kind'] | 'invalid-response';
  /** The SQS message ids left in the queue for a later receive. */
  readonly failed: readonly string[];
}

/**
 * Lambda's event source mapping for a standard queue: up to
 * `maxConcurrency` pollers each receive a batch of up to `batchSize`
 * messages, invoke the function with it and delete what succeeded. With
 * ReportBatchItemFailures only the reported items stay; an error, a
 * timeout or an invalid response leaves the whole batch. What stays
 * becomes visible again when its visibility timeout ends. When no poller
 * has work, the clock jumps to the next message's visibility.
 */
export const runEventSource = async (
  options: EventSourceOptions
): Promise<Batch[]> => {
  const { queue, clock, settings, instances } = options;
  const batches: Batch[] = [];
  let busy = 0;
  let waiters: (() => void)[] = [];
  const signal = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const changed = () =>
    new Promise<void>((resolve) => {
      waiters.push(resolve);
    });

  const runBatch = async (slot: number, messages: ReceivedMessage[]) => {
    const startedAt = clock.now();
    const outcome = await instances.invoke(
      slot,
      toEvent(messages, options.epoch, options.queueArn)
    );
    const failed = failedMessages(outcome, messages, settings);
    const failedIds =
      failed === 'all' ? messages.map((m) => m.messageId) : failed;
    for (const message of messages) {
      if (!failedIds.includes(message.messageId)) {
        queue.delete(message.receiptHandle);
      }
    }
    batches.push({
      id: batches.length,
      slot,
      messages,
      startedAt,
      endedAt: clock.now(),
      outcome:
        outcome.kind === 'response' && failed === 'all'
          ? 'invalid-response'
          : outcome.kind,
      failed: failedIds,
    });
  };

  const poller = async (slot: number): Promise<void> => {
    for (;;) {
      const messages = queue.receive(settings.batchSize, clock.now());
      if (messages.length > 0) {
        busy++;
        // A receive may have made a message visible to the other pollers.
        signal();
        try {
          await runBatch(slot, messages);
        } finally {
          busy--;
          signal();
        }
        continue;
      }
      if (queue.isEmpty()) {
        signal();
        return;
      }
      if (busy > 0) {
        await changed();
        continue;
      }
      const next = queue.nextVisibleAt();
      if (next !== undefined) clock.advanceTo(next);
    }
  };

  await Promise.all(
    Array.from({ length: settings.maxConcurrency }, (_, slot) => poller(slot))
  );
  await instances.settle();
  return batches;
};

/**
 * The messages the event source mapping leaves in the queue, by Lambda's
 * rules for partial batch responses.
 */
export const failedMessages = (
  outcome: InvocationOutcome,
  messages: readonly ReceivedMessage[],
  settings: Pick<QueueSettings, 'reportBatchItemFailures'>
): string[] | 'all' => {
  if (outcome.kind !== 'response') return 'all';
  if (!settings.reportBatchItemFailures) return [];
  const response = outcome.response as
    | { batchItemFailures?: unknown }
    | null
    | undefined;
  if (response === null || response === undefined) return [];
  if (typeof response !== 'object') return 'all';
  const failures = response.batchItemFailures;
  if (failures === null || failures === undefined) return [];
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(messages.map(({ messageId }) => messageId));
  const failed: string[] = [];
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // An empty, missing or unknown identifier fails the whole batch.
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.push(id);
  }
  return failed;
};

const toEvent = (
  messages: readonly ReceivedMessage[],
  epoch: number,
  queueArn: string
): SQSEvent => ({
  Records: messages.map(
    (message): SQSRecord => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(Math.round(epoch + message.sentAt)),
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: String(
          Math.round(epoch + message.firstReceivedAt)
        ),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
    })
  ),
});

/** A local bridge as a simulation drives it. */
export interface SimulatedBridge {
  readonly sqs: LocalSqs;
  readonly queueUrl: string;
  readonly logs: readonly CapturedLine[];
  close(): Promise<void>;
}

/** What a simulation ran, for a run to tally. */
export interface Simulation<B> {
  readonly bridge: B;
  readonly queue: Queue;
  readonly clock: SimulatedClock;
  readonly batches: readonly Batch[];
  /** Every line the bundles wrote. */
  readonly lines: readonly CapturedLine[];
  readonly coldStarts: number;
  readonly wallSeconds: () => number;
}

export interface SimulationOptions<B extends SimulatedBridge> {
  /** The inbound function whose bundle the execution environments load. */
  readonly fn: InboundFunction;
  readonly settings: QueueSettings;
  readonly seed: number;
  /** @default 0 */
  readonly redeliveryWhileInFlightRate?: number;
  /** @default - the bundle's lines are captured, not printed */
  readonly logs?: LogCaptureOptions;
  /** Starts the local bridge with these options for its SQS. */
  readonly open: (
    sqs: SqsResponderOptions,
    logs: LogCaptureOptions
  ) => Promise<B>;
  /** Publishes the traffic to the bridge's queue. */
  readonly fill: (queue: Queue) => void;
  /** Puts faults or quotas in front of the bridge's services. */
  readonly arm: (bridge: B, clock: SimulatedClock) => Promise<void> | void;
}

/**
 * One run of the event source over the bridge's queue, as the stack
 * deploys it, on a simulated clock; `tally` reads what it did.
 */
export const simulate = async <B extends SimulatedBridge, R>(
  options: SimulationOptions<B>,
  tally: (run: Simulation<B>) => R
): Promise<R> => {
  // process.hrtime stays on the wall clock when the process's time is scaled.
  const wallStart = process.hrtime.bigint();
  const { fn, settings } = options;
  const logs = options.logs ?? { forward: false };
  const clock = simulatedClock();
  const bridge = await options.open({ now: clock.now }, logs);
  try {
    const queue = bridge.sqs.queue(bridge.queueUrl, {
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      maxReceiveCount: settings.maxReceiveCount,
      redeliveryWhileInFlightRate: options.redeliveryWhileInFlightRate ?? 0,
      random: seededRandom(options.seed ^ 0x5eed),
    });
    options.fill(queue);
    await options.arm(bridge, clock);
    const capture = captureLogs(logs);
    const instances = functionInstances(fn, capture);
    const batches = await runEventSource({
      queue,
      clock,
      settings,
      instances,
      epoch: Date.UTC(2026, 0, 5, 9, 0, 0),
      queueArn: `arn:aws:sqs:${fn.region}:111122223333:SmsConnectBridge-Queue`,
    });
    return tally({
      bridge,
      queue,
      clock,
      batches,
      lines: [...bridge.logs, ...capture.lines],
      coldStarts: instances.coldStarts(),
      wallSeconds: () => Number(process.hrtime.bigint() - wallStart) / 1e9,
    });
  } finally {
    await bridge.close();
  }
};

/** What the invocations of a run ended with. */
export const lambdaFigures = (
  batches: readonly Batch[],
  coldStarts: number
) => {
  const count = (outcome: Batch['outcome']) =>
    batches.filter((b) => b.outcome === outcome).length;
  const responses = batches.filter((b) => b.outcome === 'response');
  return {
    invocations: batches.length,
    batchesWithItemFailures: responses.filter((b) => b.failed.length > 0)
      .length,
    itemFailures: responses.reduce((sum, b) => sum + b.failed.length, 0),
    errors: count('error'),
    timeouts: count('timeout'),
    invalidResponses: count('invalid-response'),
    coldStarts,
  };
};
