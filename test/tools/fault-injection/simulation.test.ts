import type { SQSEvent } from 'aws-lambda';
import {
  failedMessages,
  type InvocationOutcome,
  type QueueSettings,
  runEventSource,
  simulatedClock,
} from '../../../tools/fault-injection/simulation';
import {
  createQueue,
  MAX_RECEIVE_COUNT_EXCEEDED,
  type ReceivedMessage,
} from '../../../tools/local-aws/sqs';

const SETTINGS: QueueSettings = {
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  batchSize: 10,
  maxConcurrency: 2,
  reportBatchItemFailures: true,
};

const received = (...ids: string[]): ReceivedMessage[] =>
  ids.map((messageId) => ({
    messageId,
    body: messageId,
    sentAt: 0,
    receiptHandle: `${messageId}#1`,
    receiveCount: 1,
    firstReceivedAt: 0,
  }));

const response = (body: unknown): InvocationOutcome => ({
  kind: 'response',
  response: body,
});

/** A function that fails the records whose body `fails` picks. */
const fakeFunction = (
  fails: (body: string, receiveCount: number) => boolean
) => {
  const events: SQSEvent[] = [];
  return {
    events,
    invoke: async (_slot: number, event: SQSEvent) => {
      events.push(event);
      await new Promise((resolve) => setImmediate(resolve));
      return response({
        batchItemFailures: event.Records.filter((r) =>
          fails(r.body, Number(r.attributes.ApproximateReceiveCount))
        ).map((r) => ({ itemIdentifier: r.messageId })),
      });
    },
  };
};

describe('the partial batch response rules', () => {
  it('leaves only the reported items in the queue', () => {
    // Act
    const failed = failedMessages(
      response({ batchItemFailures: [{ itemIdentifier: 'b' }] }),
      received('a', 'b', 'c'),
      SETTINGS
    );

    // Assess
    expect(failed).toEqual(['b']);
  });

  it('deletes the whole batch on an empty or missing response', () => {
    // Act
    const failed = [
      response({ batchItemFailures: [] }),
      response(undefined),
      response(null),
      response({}),
    ].map((outcome) => failedMessages(outcome, received('a'), SETTINGS));

    // Assess
    expect(failed).toEqual([[], [], [], []]);
  });

  it('leaves the whole batch after a function error or a timeout', () => {
    // Act
    const failed = [
      { kind: 'error' } as const,
      { kind: 'timeout' } as const,
    ].map((outcome) => failedMessages(outcome, received('a', 'b'), SETTINGS));

    // Assess
    expect(failed).toEqual(['all', 'all']);
  });

  it('leaves the whole batch when an item identifier is empty or unknown', () => {
    // Act
    const failed = [
      { itemIdentifier: '' },
      { itemIdentifier: 'not-in-batch' },
      { id: 'a' },
    ].map((item) =>
      failedMessages(
        response({ batchItemFailures: [item] }),
        received('a'),
        SETTINGS
      )
    );

    // Assess
    expect(failed).toEqual(['all', 'all', 'all']);
  });

  it('deletes the whole batch when the mapping does not report item failures', () => {
    // Act
    const failed = failedMessages(
      response({ batchItemFailures: [{ itemIdentifier: 'a' }] }),
      received('a'),
      { reportBatchItemFailures: false }
    );

    // Assess
    expect(failed).toEqual([]);
  });
});

describe('the simulated event source mapping', () => {
  it('redelivers a failed item after the visibility timeout, on the simulated clock', async () => {
    // Prepare
    const queue = createQueue(SETTINGS);
    queue.send('fails once', 0);
    queue.send('succeeds', 0);
    const clock = simulatedClock();
    const fn = fakeFunction(
      (body, count) => body === 'fails once' && count < 2
    );

    // Act
    const batches = await runEventSource({
      queue,
      clock,
      settings: SETTINGS,
      invoke: fn.invoke,
    });

    // Assess
    expect(batches.map(({ messages }) => messages.map((m) => m.body))).toEqual([
      ['fails once', 'succeeds'],
      ['fails once'],
    ]);
    expect(batches[1]?.startedAt).toBeGreaterThanOrEqual(180_000);
    expect(queue.isEmpty()).toBe(true);
    expect(queue.deadLetters()).toEqual([]);
  });

  it('sends the records as Lambda does, with the receive count', async () => {
    // Prepare
    const queue = createQueue(SETTINGS);
    queue.send('fails once', 0);
    const fn = fakeFunction((_body, count) => count < 2);

    // Act
    await runEventSource({
      queue,
      clock: simulatedClock(),
      settings: SETTINGS,
      invoke: fn.invoke,
    });

    // Assess
    expect(fn.events.map(({ Records }) => Records[0])).toEqual([
      expect.objectContaining({
        body: 'fails once',
        eventSource: 'aws:sqs',
        awsRegion: 'us-east-1',
        attributes: expect.objectContaining({
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.UTC(2026, 0, 5, 9)),
        }),
      }),
      expect.objectContaining({
        attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }),
      }),
    ]);
  });

  it('moves a message that fails every receive to the dead-letter queue', async () => {
    // Prepare
    const queue = createQueue(SETTINGS);
    queue.send('always fails', 0);
    queue.send('succeeds', 0);
    const fn = fakeFunction((body) => body === 'always fails');

    // Act
    const batches = await runEventSource({
      queue,
      clock: simulatedClock(),
      settings: SETTINGS,
      invoke: fn.invoke,
    });

    // Assess
    expect(
      batches.filter(({ messages }) =>
        messages.some(({ body }) => body === 'always fails')
      )
    ).toHaveLength(5);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        body: 'always fails',
        reason: MAX_RECEIVE_COUNT_EXCEEDED,
      }),
    ]);
  });

  it('runs batches of at most the batch size, on at most maxConcurrency pollers', async () => {
    // Prepare
    const queue = createQueue(SETTINGS);
    for (let i = 0; i < 45; i++) queue.send(`message ${i}`, 0);
    const fn = fakeFunction(() => false);

    // Act
    const batches = await runEventSource({
      queue,
      clock: simulatedClock(),
      settings: SETTINGS,
      invoke: fn.invoke,
    });

    // Assess
    expect(
      batches.map(({ messages }) => messages.length).sort((a, b) => a - b)
    ).toEqual([5, 10, 10, 10, 10]);
    expect(new Set(batches.map(({ slot }) => slot))).toEqual(new Set([0, 1]));
  });
});
