import {
  createQueue,
  MAX_RECEIVE_COUNT_EXCEEDED,
  type QueueOptions,
} from '../../../tools/local-aws/sqs';

const VISIBILITY_MS = 180_000;

const queueOf = (options: Partial<QueueOptions> = {}) =>
  createQueue({
    visibilityTimeoutSeconds: VISIBILITY_MS / 1000,
    maxReceiveCount: 5,
    ...options,
  });

describe('the local standard queue', () => {
  it('hides a received message until its visibility timeout ends', () => {
    // Prepare
    const queue = queueOf();
    queue.send('first', 0);
    queue.receive(10, 0);

    // Act
    const during = queue.receive(10, VISIBILITY_MS - 1);
    const after = queue.receive(10, VISIBILITY_MS);

    // Assess
    expect(during).toEqual([]);
    expect(after.map(({ body, receiveCount }) => [body, receiveCount])).toEqual(
      [['first', 2]]
    );
  });

  it('brings a message in flight back when its visibility is changed', () => {
    // Prepare
    const queue = queueOf();
    queue.send('first', 0);
    const [received] = queue.receive(10, 0);

    // Act
    const changed = queue.changeVisibility(
      received?.receiptHandle ?? '',
      2,
      1_000
    );

    // Assess
    expect(changed).toBe(true);
    expect(queue.receive(10, 2_999)).toEqual([]);
    expect(queue.receive(10, 3_000).map(({ body }) => body)).toEqual(['first']);
  });

  it('refuses a visibility change by a receipt handle a later receive replaced', () => {
    // Prepare
    const queue = queueOf();
    queue.send('first', 0);
    const [first] = queue.receive(10, 0);
    queue.receive(10, VISIBILITY_MS);

    // Act
    const changed = queue.changeVisibility(
      first?.receiptHandle ?? '',
      2,
      VISIBILITY_MS + 1
    );

    // Assess
    expect(changed).toBe(false);
  });

  it('refuses a visibility change for a deleted message', () => {
    // Prepare
    const queue = queueOf();
    queue.send('first', 0);
    const [received] = queue.receive(10, 0);
    queue.delete(received?.receiptHandle ?? '');

    // Act
    const changed = queue.changeVisibility(received?.receiptHandle ?? '', 2, 1);

    // Assess
    expect(changed).toBe(false);
    expect(queue.isEmpty()).toBe(true);
  });

  it('receives at most the batch size, oldest first', () => {
    // Prepare
    const queue = queueOf();
    for (let i = 0; i < 25; i++) queue.send(`message ${i}`, i);

    // Act
    const batch = queue.receive(10, 100);

    // Assess
    expect(batch.map(({ body }) => body)).toEqual(
      Array.from({ length: 10 }, (_, i) => `message ${i}`)
    );
  });

  it('keeps a message sent for later out of receives until then', () => {
    // Prepare
    const queue = queueOf();
    queue.send('later', 60_000);

    // Act
    const early = queue.receive(10, 59_999);
    const due = queue.receive(10, 60_000);

    // Assess
    expect(early).toEqual([]);
    expect(due.map(({ body }) => body)).toEqual(['later']);
  });

  it('deletes a message by the receipt handle of its latest receive', () => {
    // Prepare
    const queue = queueOf();
    queue.send('done', 0);
    const [received] = queue.receive(10, 0);

    // Act
    const deleted = queue.delete(received?.receiptHandle ?? '');

    // Assess
    expect(deleted).toBe(true);
    expect(queue.isEmpty()).toBe(true);
  });

  it('keeps a message deleted with the handle of an earlier receive', () => {
    // Prepare
    const queue = queueOf();
    queue.send('received twice', 0);
    const [first] = queue.receive(10, 0);
    queue.receive(10, VISIBILITY_MS);

    // Act
    const deleted = queue.delete(first?.receiptHandle ?? '');

    // Assess
    expect(deleted).toBe(false);
    expect(queue.isEmpty()).toBe(false);
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount', () => {
    // Prepare
    const queue = queueOf({ maxReceiveCount: 5 });
    queue.send('never handled', 0);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [message] = queue.receive(10, i * VISIBILITY_MS);
      counts.push(message?.receiveCount ?? 0);
    }

    // Act
    const sixth = queue.receive(10, 5 * VISIBILITY_MS);

    // Assess
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(sixth).toEqual([]);
    expect(queue.isEmpty()).toBe(true);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        body: 'never handled',
        receiveCount: 5,
        reason: MAX_RECEIVE_COUNT_EXCEEDED,
      }),
    ]);
  });

  it('hands a message out again while in flight when SQS delivers it twice', () => {
    // Prepare
    const queue = queueOf({ redeliveryWhileInFlightRate: 1 });
    queue.send('at least once', 0);
    const [first] = queue.receive(10, 0);

    // Act
    const [second] = queue.receive(10, 1);

    // Assess
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(queue.statistics().redeliveredWhileInFlight).toBe(1);
  });

  it('tells when the next hidden message becomes visible', () => {
    // Prepare
    const queue = queueOf();
    queue.send('in flight', 0);
    queue.send('due later', 400_000);
    queue.receive(10, 1_000);

    // Act
    const next = queue.nextVisibleAt();

    // Assess
    expect(next).toBe(1_000 + VISIBILITY_MS);
  });
});
