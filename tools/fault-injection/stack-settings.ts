import { readStack, STACK_NAME } from '../harness/synth';

const QUEUE_PATH = `${STACK_NAME}/Bridge/Queue/Resource`;

/** How the synthesized stack has SQS and Lambda handle the bridge's queue. */
export interface QueueSettings {
  /** The queue's VisibilityTimeout. */
  readonly visibilityTimeoutSeconds: number;
  /** The queue's RedrivePolicy: receives before SQS moves a message. */
  readonly maxReceiveCount: number;
  /** The event source mapping's BatchSize. */
  readonly batchSize: number;
  /** The event source mapping's ScalingConfig.MaximumConcurrency. */
  readonly maxConcurrency: number;
  /** Whether the function may report partial batch failures. */
  readonly reportBatchItemFailures: boolean;
}

type Properties = Readonly<Record<string, unknown>>;

/**
 * Reads the queue's and the event source mapping's settings from the
 * template in a cloud assembly, so the simulation runs what would deploy.
 */
export const readQueueSettings = (assemblyDir: string): QueueSettings => {
  const resources = Object.entries(readStack(assemblyDir).template.Resources);
  const queue = resources.find(
    ([, r]) =>
      r.Type === 'AWS::SQS::Queue' &&
      r.Metadata?.['aws:cdk:path'] === QUEUE_PATH
  );
  if (queue === undefined) throw new Error(`no queue ${QUEUE_PATH}`);
  const [queueId, { Properties: queueProps = {} }] = queue as [
    string,
    { Properties?: Properties },
  ];
  const mapping = resources.find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify((r.Properties as Properties)?.EventSourceArn).includes(
        `"${queueId}"`
      )
  )?.[1].Properties as Properties | undefined;
  if (mapping === undefined) {
    throw new Error(`no event source mapping reads ${QUEUE_PATH}`);
  }
  const redrive = queueProps.RedrivePolicy as
    | { maxReceiveCount?: unknown }
    | undefined;
  const scaling = mapping.ScalingConfig as
    | { MaximumConcurrency?: unknown }
    | undefined;
  return {
    // SQS's defaults where the template leaves a setting out.
    visibilityTimeoutSeconds: numberOr(queueProps.VisibilityTimeout, 30),
    maxReceiveCount: numberOr(redrive?.maxReceiveCount, Infinity),
    batchSize: numberOr(mapping.BatchSize, 10),
    // Without a maximum, Lambda scales out to 1,000 for a standard queue.
    maxConcurrency: numberOr(scaling?.MaximumConcurrency, 1000),
    reportBatchItemFailures:
      Array.isArray(mapping.FunctionResponseTypes) &&
      mapping.FunctionResponseTypes.includes('ReportBatchItemFailures'),
  };
};

const numberOr = (value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new Error(`expected a number in the template, got ${String(value)}`);
  }
  return value;
};
