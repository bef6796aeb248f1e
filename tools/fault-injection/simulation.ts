import { performance } from 'node:perf_hooks';
import type { Context, SQSEvent } from 'aws-lambda';
import { loadHandler } from '../harness/bridge-start';
import { sqsRecord } from '../harness/events';
import { fakeContext } from '../harness/lambda-context';
import { captureLogs, type LogCaptureOptions } from '../harness/log-capture';
import { type InboundFunction, readStack, STACK_NAME } from '../harness/synth';
import type { Queue, ReceivedMessage } from '../local-aws/sqs';
import { TRAFFIC_START } from './traffic';

/** The bridge queue's settings, as the template in an assembly deploys them. */
export const readQueueSettings = (assemblyDir: string) => {
  const resources = Object.entries(readStack(assemblyDir).template.Resources);
  const path = `${STACK_NAME}/Bridge/Queue/Resource`;
  const [queueId, queue] =
    resources.find(([, r]) => r.Metadata?.['aws:cdk:path'] === path) ?? [];
  const mapping = resources.find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties).includes(`"${queueId}"`)
  )?.[1]?.Properties;
  if (queue === undefined || mapping === undefined) {
    throw new Error('no bridge queue with an event source mapping');
  }
  // SQS's and Lambda's defaults where the template leaves a setting out.
  const { VisibilityTimeout = 30, RedrivePolicy } = queue.Properties;
  const { FunctionResponseTypes: responseTypes = [] } = mapping;
  return {
    visibilityTimeoutSeconds: Number(VisibilityTimeout),
    maxReceiveCount: Number(RedrivePolicy?.maxReceiveCount ?? Infinity),
    batchSize: Number(mapping.BatchSize ?? 10),
    maxConcurrency: Number(mapping.ScalingConfig?.MaximumConcurrency ?? 1000),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
  };
};
export type QueueSettings = ReturnType<typeof readQueueSettings>;

/** Real time while the handler works, jumping ahead when nothing runs. */
export const simulatedClock = () => {
  const start = performance.now();
  let skipped = 0;
  const now = () => performance.now() - start + skipped;
  const advanceTo = (time: number) => {
    skipped += Math.max(0, time - now());
  };
  return { now, advanceTo };
};

export type InvocationOutcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'error' | 'timeout' };

/** https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html */
export const failedMessages = (
  outcome: InvocationOutcome,
  messages: readonly ReceivedMessage[],
  settings: Pick<QueueSettings, 'reportBatchItemFailures'>
): string[] | 'all' => {
  if (outcome.kind !== 'response') return 'all';
  const { response } = outcome;
  if (!settings.reportBatchItemFailures || response == null) return [];
  if (typeof response !== 'object') return 'all';
  const failures = (response as { batchItemFailures?: unknown })
    .batchItemFailures;
  if (failures == null) return [];
  if (!Array.isArray(failures)) return 'all';
  const ids = failures.map((failure) => failure?.itemIdentifier);
  // An empty, missing or unknown identifier fails the whole batch.
  const known = (id: unknown) => messages.some((m) => m.messageId === id);
  return ids.every(known) ? ids : 'all';
};

const toEvent = (messages: readonly ReceivedMessage[]): SQSEvent => ({
  Records: messages.map(({ body, messageId, receiveCount, ...message }) => {
    const record = sqsRecord(body, { messageId, receiveCount });
    const sent = TRAFFIC_START + message.sentAt;
    const attributes = { ...record.attributes, SentTimestamp: `${sent}` };
    return { ...record, receiptHandle: message.receiptHandle, attributes };
  }),
});

/** Lambda's pollers; when none has work, the clock jumps ahead. */
export const runEventSource = async (options: {
  readonly queue: Queue;
  readonly clock: ReturnType<typeof simulatedClock>;
  readonly settings: QueueSettings;
  readonly invoke: (
    slot: number,
    event: SQSEvent
  ) => Promise<InvocationOutcome>;
}) => {
  const { queue, clock, settings } = options;
  const batches: {
    slot: number;
    messages: ReceivedMessage[];
    startedAt: number;
    kind: InvocationOutcome['kind'];
    failed: string[];
  }[] = [];
  const waiters: (() => void)[] = [];
  const signal = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  let busy = 0;

  const poller = async (slot: number): Promise<void> => {
    for (;;) {
      const messages = queue.receive(settings.batchSize, clock.now());
      if (messages.length > 0) {
        busy++;
        // A receive may have made a message visible to the other pollers.
        signal();
        const startedAt = clock.now();
        const outcome = await options.invoke(slot, toEvent(messages));
        const left = failedMessages(outcome, messages, settings);
        const failed = left === 'all' ? messages.map((m) => m.messageId) : left;
        for (const { messageId, receiptHandle } of messages) {
          if (!failed.includes(messageId)) queue.delete(receiptHandle);
        }
        batches.push({ slot, messages, startedAt, kind: outcome.kind, failed });
        busy--;
        signal();
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

/**
 * An execution environment per poller, each with its own SDK clients and
 * retry quota. One that times out is replaced; its work runs on until
 * `settle` (Lambda would freeze it).
 */
export const executionEnvironments = (
  fn: InboundFunction,
  logs: LogCaptureOptions
) => {
  const capture = captureLogs(logs);
  type Handler = (event: SQSEvent, context: Context) => Promise<unknown>;
  const handlers = new Map<number, Handler>();
  const orphans: Promise<unknown>[] = [];
  const timeout = { kind: 'timeout' } as const;
  const invoke = async (slot: number, event: SQSEvent) => {
    const handler =
      handlers.get(slot) ?? (await loadHandler<Handler>(fn, capture.during));
    handlers.set(slot, handler);
    const context = fakeContext(fn);
    const running = capture.during(() => handler(event, context));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      running.then(
        (response): InvocationOutcome => ({ kind: 'response', response }),
        (): InvocationOutcome => ({ kind: 'error' })
      ),
      new Promise<InvocationOutcome>((resolve) => {
        timer = setTimeout(resolve, fn.timeoutSeconds * 1000, timeout);
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind === 'timeout') {
      handlers.delete(slot);
      orphans.push(running.catch(() => undefined));
    }
    return outcome;
  };
  return { invoke, lines: capture.lines, settle: () => Promise.all(orphans) };
};
