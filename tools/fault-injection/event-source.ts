import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SimulatedClock } from './clock';
import type {
  FunctionInstances,
  InvocationOutcome,
} from './function-instances';
import type { ReceivedMessage, SimulatedQueue } from './simulated-queue';
import type { QueueSettings } from './stack-settings';

export interface EventSourceOptions {
  readonly queue: SimulatedQueue;
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
