import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { sendToDeadLetterQueue } from '../../../lambda/shared/dead-letter';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';

const sqsMock = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/dlq';

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('sendToDeadLetterQueue', () => {
  it('sends the original body with the reason as message attributes', async () => {
    // Prepare
    const failure = new UndeliverableError(
      'empty-body',
      'messageBody is empty'
    );

    // Act
    await sendToDeadLetterQueue(new SQSClient({}), QUEUE_URL, {
      body: '{"messageBody":" "}',
      failure,
      inboundMessageId: 'in-1',
      sourceMessageId: 'sqs-1',
    });

    // Assess
    expect(sqsMock).toReceiveCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE_URL,
      MessageBody: '{"messageBody":" "}',
      MessageAttributes: {
        failureReason: { DataType: 'String', StringValue: 'empty-body' },
        failureDetail: {
          DataType: 'String',
          StringValue: 'messageBody is empty',
        },
        inboundMessageId: { DataType: 'String', StringValue: 'in-1' },
        sourceMessageId: { DataType: 'String', StringValue: 'sqs-1' },
      },
    });
  });

  it('replaces characters SQS refuses in attribute values', async () => {
    // Prepare
    const failure = new UndeliverableError(
      'invalid-payload',
      'bad\u0000\ud800'
    );

    // Act
    await sendToDeadLetterQueue(new SQSClient({}), QUEUE_URL, {
      body: '{}',
      failure,
      sourceMessageId: 'sqs-\u0007',
    });

    // Assess
    const input = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.MessageAttributes?.failureDetail?.StringValue).toBe(
      'bad?\ufffd'
    );
    expect(input?.MessageAttributes?.sourceMessageId?.StringValue).toBe(
      'sqs-?'
    );
  });

  it('leaves out the inboundMessageId attribute when it is unknown', async () => {
    // Act
    await sendToDeadLetterQueue(new SQSClient({}), QUEUE_URL, {
      body: 'not json',
      failure: new UndeliverableError('invalid-payload', 'not JSON'),
    });

    // Assess
    const input = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(Object.keys(input?.MessageAttributes ?? {}).sort()).toEqual([
      'failureDetail',
      'failureReason',
    ]);
  });
});
