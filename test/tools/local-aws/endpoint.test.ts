import {
  operationOf,
  type RecordedRequest,
} from '../../../tools/local-aws/endpoint';

const request = (
  path: string,
  headers: RecordedRequest['headers'] = {}
): RecordedRequest => ({ method: 'POST', path, headers, body: '', json: {} });

describe('operationOf', () => {
  it('names a REST request by its route', () => {
    // Prepare
    const start = request('/participant/connection');

    // Act
    const operation = operationOf(start);

    // Assess
    expect(operation).toBe('CreateParticipantConnection');
  });

  it('names a JSON request by its X-Amz-Target, without the service', () => {
    // Prepare
    const send = request('/', { 'x-amz-target': 'AmazonSQS.SendMessage' });

    // Act
    const operation = operationOf(send);

    // Assess
    expect(operation).toBe('SendMessage');
  });
});
