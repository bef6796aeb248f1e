import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { SQSEvent } from 'aws-lambda';
import {
  invocationContext,
  type LocalSqs,
  loadHandler,
} from '../harness/bridge-start';
import type { Handler } from '../harness/local-bridge';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from '../harness/log-capture';
import { nodeProcess } from '../harness/node-realm';
import { type InboundFunction, readStack, STACK_NAME } from '../harness/synth';
import { seededRandom } from '../local-aws/random';
import type {
  Queue,
  ReceivedMessage,
  SqsResponderOptions,
} from '../local-aws/sqs';

/** How the synthesized stack has SQS and Lambda handle the bridge's queue. */
export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly reportBatchItemFailures: boolean;
}

interface Resource {
  readonly Type: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: {
    readonly VisibilityTimeout?: number;
    readonly RedrivePolicy?: { readonly maxReceiveCount?: number };
    readonly EventSourceArn?: unknown;
    readonly BatchSize?: number;
    readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
    readonly FunctionResponseTypes?: readonly string[];
  };
}

/** The settings as the template in a cloud assembly deploys them. */
export const readQueueSettings = (assemblyDir: string): QueueSettings => {
  const resources = Object.entries(
    readStack(assemblyDir).template.Resources
  ) as [string, Resource][];
  const [queueId, queue] =
    resources.find(
      ([, r]) =>
        r.Metadata?.['aws:cdk:path'] === `${STACK_NAME}/Bridge/Queue/Resource`
    ) ?? [];
  const mapping = resources.find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties?.EventSourceArn).includes(`"${queueId}"`)
  )?.[1].Properties;
  if (queue === undefined || mapping === undefined) {
    throw new Error('no bridge queue with an event source mapping');
  }
  // SQS's and Lambda's defaults where the template leaves a setting out.
  return {
    visibilityTimeoutSeconds: queue.Properties?.VisibilityTimeout ?? 30,
    maxReceiveCount:
      queue.Properties?.RedrivePolicy?.maxReceiveCount ?? Infinity,
    batchSize: mapping.BatchSize ?? 10,
    maxConcurrency: mapping.ScalingConfig?.MaximumConcurrency ?? 1000,
    reportBatchItemFailures:
      mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') ??
      false,
  };
};

/**
 * The queue's time in ms from the start of a run: real time while the
 * handler works (SDK retries and slow answers take real time), jumping
 * ahead when nothing runs, so a 3-minute visibility timeout passes at once.
 */
export const simulatedClock = () => {
  const start = performance.now();
  let skipped = 0;
  const now = () => performance.now() - start + skipped;
  const advanceTo = (time: number) => {
    skipped += Math.max(0, time - now());
  };
  return { now, advanceTo, skipped: () => skipped };
};
export type SimulatedClock = ReturnType<typeof simulatedClock>;

export type InvocationOutcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'error' | 'timeout' };

/** One invocation with one batch, and what became of its messages. */
export interface Batch {
  /** The execution environment that ran it. */
  readonly slot: number;
  readonly messages: readonly ReceivedMessage[];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: InvocationOutcome['kind'] | 'invalid-response';
  /** The SQS message ids left in the queue for a later receive. */
  readonly failed: readonly string[];
}

const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:111122223333:SmsConnectBridge-Queue';

/**
 * The messages the event source mapping leaves in the queue, by Lambda's
 * rules for partial batch responses
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
export const failedMessages = (
  outcome: InvocationOutcome,
  messages: readonly ReceivedMessage[],
  settings: Pick<QueueSettings, 'reportBatchItemFailures'>
): string[] | 'all' => {
  if (outcome.kind !== 'response') return 'all';
  const response = outcome.response;
  if (!settings.reportBatchItemFailures || response == null) return [];
  if (typeof response !== 'object') return 'all';
  const failures = (response as { batchItemFailures?: unknown })
    .batchItemFailures;
  if (failures == null) return [];
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(messages.map(({ messageId }) => messageId));
  const failed = failures.map(
    (failure) => (failure as { itemIdentifier?: unknown })?.itemIdentifier
  );
  // An empty, missing or unknown identifier fails the whole batch.
  return failed.every((id) => typeof id === 'string' && ids.has(id))
    ? (failed as string[])
    : 'all';
};

/**
 * Lambda's event source mapping for a standard queue: up to
 * `maxConcurrency` pollers each receive up to `batchSize` messages, invoke
 * the function and delete what succeeded; what stays comes back when its
 * visibility timeout ends. When no poller has work, the clock jumps to the
 * next message's visibility.
 */
export const runEventSource = async (options: {
  readonly queue: Queue;
  readonly clock: SimulatedClock;
  readonly settings: QueueSettings;
  readonly invoke: (
    slot: number,
    event: SQSEvent
  ) => Promise<InvocationOutcome>;
}): Promise<Batch[]> => {
  const { queue, clock, settings } = options;
  const batches: Batch[] = [];
  let busy = 0;
  const waiters: (() => void)[] = [];
  const signal = () => {
    for (const wake of waiters.splice(0)) wake();
  };

  const runBatch = async (slot: number, messages: ReceivedMessage[]) => {
    const startedAt = clock.now();
    const outcome = await options.invoke(slot, toEvent(messages));
    const failed = failedMessages(outcome, messages, settings);
    const left = failed === 'all' ? messages.map((m) => m.messageId) : failed;
    for (const { messageId, receiptHandle } of messages) {
      if (!left.includes(messageId)) queue.delete(receiptHandle);
    }
    const invalid = outcome.kind === 'response' && failed === 'all';
    batches.push({
      slot,
      messages,
      startedAt,
      endedAt: clock.now(),
      outcome: invalid ? 'invalid-response' : outcome.kind,
      failed: left,
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
      } else if (queue.isEmpty()) {
        return signal();
      } else if (busy > 0) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      } else {
        clock.advanceTo(queue.nextVisibleAt() ?? 0);
      }
    }
  };
  await Promise.all(
    Array.from({ length: settings.maxConcurrency }, (_, slot) => poller(slot))
  );
  return batches;
};

const toEvent = (messages: readonly ReceivedMessage[]): SQSEvent => ({
  Records: messages.map((message) => ({
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Math.round(EPOCH + message.sentAt)),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(
        Math.round(EPOCH + message.firstReceivedAt)
      ),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  })),
});

/**
 * Lambda execution environments for the bundle, one per poller: each loads
 * the bundle afresh (its own SDK clients, retry quota and Powertools
 * state). An invocation past the function's timeout fails and its
 * environment is replaced; Lambda would freeze it, here it runs on
 * unobserved until `settle`.
 */
const functionInstances = (
  fn: InboundFunction,
  during: <T>(work: () => Promise<T> | T) => Promise<T>
) => {
  const handlers = new Map<number, Handler>();
  const orphans: Promise<unknown>[] = [];
  let coldStarts = 0;
  const invoke = async (slot: number, event: SQSEvent) => {
    let handler = handlers.get(slot);
    if (handler === undefined) {
      handler = await loadHandler<Handler>(fn, during);
      handlers.set(slot, handler);
      coldStarts++;
    }
    const context = invocationContext(
      fn,
      nodeProcess.env.AWS_LAMBDA_FUNCTION_NAME
    );
    const running = during(() => (handler as Handler)(event, context));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000);
    });
    try {
      const response = await Promise.race([running, timedOut]);
      if (response !== 'timeout')
        return { kind: 'response', response } as const;
      handlers.delete(slot);
      orphans.push(running.catch(() => undefined));
      return { kind: 'timeout' } as const;
    } catch {
      return { kind: 'error' } as const;
    } finally {
      clearTimeout(timer);
    }
  };
  const settle = () => Promise.all(orphans);
  return { invoke, settle, coldStarts: () => coldStarts };
};

/** What a simulation ran, for a run to tally. */
export interface Simulation<B> {
  readonly bridge: B;
  readonly queue: Queue;
  readonly clock: SimulatedClock;
  readonly batches: readonly Batch[];
  /** Every line the bundles wrote. */
  readonly lines: readonly CapturedLine[];
  readonly lambda: ReturnType<typeof lambdaFigures>;
  readonly wallSeconds: number;
}

/**
 * One run of the event source over the bridge's queue, as the stack
 * deploys it, on a simulated clock; `tally` reads what it did.
 */
export const simulate = async <
  B extends {
    readonly sqs: LocalSqs;
    readonly queueUrl: string;
    readonly logs: readonly CapturedLine[];
    close(): Promise<void>;
  },
  R,
>(
  options: {
    readonly fn: InboundFunction;
    readonly settings: QueueSettings;
    readonly seed: number;
    /** The share of receives SQS hands out again while in flight. */
    readonly strayRate: number;
    readonly logs?: LogCaptureOptions;
    readonly open: (
      sqs: SqsResponderOptions,
      logs: LogCaptureOptions
    ) => Promise<B>;
    /** Publishes the traffic. */
    readonly fill: (queue: Queue) => void;
    /** Puts faults or quotas in front of the bridge's services. */
    readonly arm: (bridge: B, clock: SimulatedClock) => Promise<void> | void;
  },
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
      redeliveryWhileInFlightRate: options.strayRate,
      random: seededRandom(options.seed ^ 0x5eed),
    });
    options.fill(queue);
    await options.arm(bridge, clock);
    const capture = captureLogs(logs);
    const instances = functionInstances(fn, capture.during);
    const batches = await runEventSource({
      queue,
      clock,
      settings,
      invoke: instances.invoke,
    });
    await instances.settle();
    return tally({
      bridge,
      queue,
      clock,
      batches,
      lines: [...bridge.logs, ...capture.lines],
      lambda: lambdaFigures(batches, instances.coldStarts()),
      wallSeconds: Number(process.hrtime.bigint() - wallStart) / 1e9,
    });
  } finally {
    await bridge.close();
  }
};

const lambdaFigures = (batches: readonly Batch[], coldStarts: number) => {
  const count = (outcome: Batch['outcome']) =>
    batches.filter((b) => b.outcome === outcome).length;
  const partial = batches.filter(
    (b) => b.outcome === 'response' && b.failed.length > 0
  );
  return {
    invocations: batches.length,
    batchesWithItemFailures: partial.length,
    itemFailures: partial.reduce((sum, b) => sum + b.failed.length, 0),
    errors: count('error'),
    timeouts: count('timeout'),
    invalidResponses: count('invalid-response'),
    coldStarts,
  };
};
