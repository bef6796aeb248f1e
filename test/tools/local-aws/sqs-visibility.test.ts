import type { RecordedRequest, Reply } from '../../../tools/local-aws/endpoint';
import { sqsResponder } from '../../../tools/local-aws/sqs';

const QUEUE_URL = 'http://127.0.0.1/111122223333/SmsConnectBridge-Queue';

const changeBatch = (json: Record<string, unknown>): RecordedRequest => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': 'AmazonSQS.ChangeMessageVisibilityBatch' },
  body: JSON.stringify(json),
  json,
});

const entry = (id: number, visibilityTimeout: unknown = 2) => ({
  Id: String(id),
  ReceiptHandle: `handle-${id}`,
  VisibilityTimeout: visibilityTimeout,
});

const bodyOf = (reply: Reply) =>
  'status' in reply ? (reply.body as Record<string, unknown>) : undefined;

describe('the local SQS ChangeMessageVisibilityBatch', () => {
  it('takes up to 10 entries and lists each as successful', () => {
    // Prepare
    const sqs = sqsResponder();
    const entries = Array.from({ length: 10 }, (_, i) => entry(i));

    // Act
    const reply = sqs.respond(
      changeBatch({ QueueUrl: QUEUE_URL, Entries: entries })
    );

    // Assess
    expect(bodyOf(reply)).toEqual({
      Successful: entries.map(({ Id }) => ({ Id })),
      Failed: [],
    });
    expect(sqs.visibilityChanges(QUEUE_URL)).toHaveLength(10);
  });

  it('refuses a batch of 11 entries with TooManyEntriesInBatchRequest', () => {
    // Prepare
    const sqs = sqsResponder();
    const entries = Array.from({ length: 11 }, (_, i) => entry(i));

    // Act
    const reply = sqs.respond(
      changeBatch({ QueueUrl: QUEUE_URL, Entries: entries })
    );

    // Assess
    expect(bodyOf(reply)?.__type).toBe('TooManyEntriesInBatchRequest');
    expect(sqs.visibilityChanges(QUEUE_URL)).toEqual([]);
  });

  it('refuses an empty batch with EmptyBatchRequest', () => {
    // Act
    const reply = sqsResponder().respond(
      changeBatch({ QueueUrl: QUEUE_URL, Entries: [] })
    );

    // Assess
    expect(bodyOf(reply)?.__type).toBe('EmptyBatchRequest');
  });

  it('refuses entries with the same Id with BatchEntryIdsNotDistinct', () => {
    // Act
    const reply = sqsResponder().respond(
      changeBatch({ QueueUrl: QUEUE_URL, Entries: [entry(1), entry(1)] })
    );

    // Assess
    expect(bodyOf(reply)?.__type).toBe('BatchEntryIdsNotDistinct');
  });

  it.each([
    ['has a space', 'a b'],
    ['is 81 characters', 'a'.repeat(81)],
  ])('refuses a batch whose entry Id %s with InvalidBatchEntryId', (_, id) => {
    // Act
    const reply = sqsResponder().respond(
      changeBatch({ QueueUrl: QUEUE_URL, Entries: [{ ...entry(1), Id: id }] })
    );

    // Assess
    expect(bodyOf(reply)?.__type).toBe('InvalidBatchEntryId');
  });

  it('lists an entry without a receipt handle in Failed as ReceiptHandleIsInvalid', () => {
    // Act
    const reply = sqsResponder().respond(
      changeBatch({
        QueueUrl: QUEUE_URL,
        Entries: [{ Id: '1', VisibilityTimeout: 2 }],
      })
    );

    // Assess
    expect(bodyOf(reply)?.Failed).toEqual([
      expect.objectContaining({ Id: '1', Code: 'ReceiptHandleIsInvalid' }),
    ]);
  });

  it.each([-1, 43_201, 1.5, '2'])(
    'lists an entry with a VisibilityTimeout of %p in Failed, and takes the others',
    (visibilityTimeout) => {
      // Prepare
      const sqs = sqsResponder();

      // Act
      const reply = sqs.respond(
        changeBatch({
          QueueUrl: QUEUE_URL,
          Entries: [entry(1, visibilityTimeout), entry(2, 43_200)],
        })
      );

      // Assess
      expect(bodyOf(reply)).toEqual({
        Successful: [{ Id: '2' }],
        Failed: [
          expect.objectContaining({
            Id: '1',
            Code: 'InvalidParameterValue',
            SenderFault: true,
          }),
        ],
      });
    }
  );

  it("takes the change of a message its queue handed out, and refuses an earlier receive's handle", () => {
    // Prepare: one message received twice, the first handle replaced
    const sqs = sqsResponder({ now: () => 30_000 });
    const queue = sqs.queue(QUEUE_URL, { visibilityTimeoutSeconds: 30 });
    queue.send('first', 0);
    const [earlier] = queue.receive(10, 0);
    const [latest] = queue.receive(10, 30_000);
    const handles = [earlier, latest].map((m) => m?.receiptHandle);

    // Act
    const reply = sqs.respond(
      changeBatch({
        QueueUrl: QUEUE_URL,
        Entries: handles.map((ReceiptHandle, i) => ({
          Id: String(i),
          ReceiptHandle,
          VisibilityTimeout: 5,
        })),
      })
    );

    // Assess
    expect(bodyOf(reply)).toEqual({
      Successful: [{ Id: '1' }],
      Failed: [
        expect.objectContaining({ Id: '0', Code: 'InvalidParameterValue' }),
      ],
    });
  });
});
