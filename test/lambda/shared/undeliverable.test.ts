import {
  AccessDeniedException,
  InternalServiceException,
  InvalidRequestException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import {
  classifyServiceError,
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../../../lambda/shared/undeliverable';

/** A service message that quotes the request, as some services do. */
const QUOTING_MESSAGE =
  'Invalid request for SourceId +14255550182: Content "call me at 555-0182"';

const serviceError = (name: string, status: number) =>
  Object.assign(new Error(QUOTING_MESSAGE), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

const metadata = (httpStatusCode: number) => ({
  $metadata: { httpStatusCode },
  message: QUOTING_MESSAGE,
});

describe('classifyServiceError', () => {
  it.each([
    [
      'InvalidRequestException (400)',
      new InvalidRequestException(metadata(400)),
      'connect-rejected',
      'InvalidRequestException (HTTP 400)',
    ],
    [
      'AccessDeniedException (403)',
      new AccessDeniedException(metadata(403)),
      'access-denied',
      'AccessDeniedException (HTTP 403)',
    ],
    [
      'ResourceNotFoundException (404)',
      new ResourceNotFoundException(metadata(404)),
      'connect-rejected',
      'ResourceNotFoundException (HTTP 404)',
    ],
    [
      'a 403 of another name',
      serviceError('UnrecognizedClientException', 403),
      'connect-rejected',
      'UnrecognizedClientException (HTTP 403)',
    ],
    [
      'a 413 answer',
      serviceError('RequestEntityTooLarge', 413),
      'connect-rejected',
      'RequestEntityTooLarge (HTTP 413)',
    ],
  ])('makes %s undeliverable', (_name, error, reason, detail) => {
    // Act
    const classified = classifyServiceError(error);

    // Assess
    expect(classified).toBeInstanceOf(UndeliverableError);
    expect(classified).toMatchObject({ reason, detail });
  });

  it('keeps the service message out of the detail', () => {
    // Prepare
    const error = new InvalidRequestException(metadata(400));

    // Act
    const classified = classifyServiceError(error) as UndeliverableError;

    // Assess
    expect(classified.detail).not.toContain('+14255550182');
    expect(classified.message).not.toContain('555-0182');
    expect(classified.message).not.toContain(QUOTING_MESSAGE);
  });

  it.each([
    ['ThrottlingException (429)', new ThrottlingException(metadata(429))],
    [
      'InternalServiceException (500)',
      new InternalServiceException(metadata(500)),
    ],
    ['a 502 answer', serviceError('BadGateway', 502)],
    ['a 503 answer', serviceError('ServiceUnavailable', 503)],
    ['a 408 timeout', serviceError('RequestTimeout', 408)],
    ['throttling sent as a 400', serviceError('ThrottlingException', 400)],
    ['expired credentials', serviceError('ExpiredTokenException', 403)],
    ['an expired signature', serviceError('RequestExpired', 400)],
    ['a skewed clock', serviceError('RequestTimeTooSkewed', 403)],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
        code: 'ECONNREFUSED',
      }),
    ],
    [
      'a reset connection',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ],
    ['an error without a status', new Error('something broke')],
    ['a thrown string', 'boom'],
    ['a thrown undefined', undefined],
  ])('returns %s unchanged, as a transient failure', (_name, error) => {
    // Act
    const classified = classifyServiceError(error);

    // Assess
    expect(classified).toBe(error);
    expect(classified).not.toBeInstanceOf(UndeliverableError);
  });
});

describe('httpStatusOf', () => {
  it.each([
    ['a service error', serviceError('X', 503), 503],
    ['an error without metadata', new Error('x'), undefined],
    [
      'a status that is not a number',
      { $metadata: { httpStatusCode: '503' } },
      undefined,
    ],
    ['null', null, undefined],
  ])('reads the status of %s', (_name, error, status) => {
    // Act
    const result = httpStatusOf(error);

    // Assess
    expect(result).toBe(status);
  });
});

describe('errorNameOf', () => {
  it.each([
    [
      'a service error',
      new ThrottlingException(metadata(429)),
      'ThrottlingException',
    ],
    ['an object without a name', {}, 'UnknownError'],
    ['a name that is not a string', { name: 42 }, 'UnknownError'],
    ['null', null, 'UnknownError'],
  ])('reads the name of %s', (_name, error, name) => {
    // Act
    const result = errorNameOf(error);

    // Assess
    expect(result).toBe(name);
  });
});
