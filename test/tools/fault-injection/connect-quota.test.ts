import { connectQuota } from '../../../tools/fault-injection/connect-quota';
import type { RecordedRequest } from '../../../tools/local-aws/endpoint';

const call = (path = '/chat-integration-event'): RecordedRequest => ({
  method: 'POST',
  path,
  headers: {},
  body: '{}',
  json: {},
});

const statusOf = (
  reply: ReturnType<ReturnType<typeof connectQuota>['script']>
) => (reply !== undefined && 'status' in reply ? reply.status : 'let through');

describe('the token-bucket Connect', () => {
  it('lets a full burst through at once, then throttles with a 429', () => {
    // Prepare
    const quota = connectQuota({ ratePerSecond: 2, burst: 5, now: () => 0 });

    // Act
    const statuses = Array.from({ length: 6 }, () =>
      statusOf(quota.script(call()))
    );

    // Assess
    expect(statuses).toEqual([...Array(5).fill('let through'), 429]);
  });

  it('names the throttle ThrottlingException, as Connect does', () => {
    // Prepare
    const quota = connectQuota({ ratePerSecond: 1, burst: 1, now: () => 0 });
    quota.script(call());

    // Act
    const reply = quota.script(call());

    // Assess
    expect(reply).toMatchObject({
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException' },
    });
  });

  it('refills at the rate per second', () => {
    // Prepare
    let now = 0;
    const quota = connectQuota({ ratePerSecond: 4, burst: 1, now: () => now });
    quota.script(call());

    // Act
    now = 200;
    const early = statusOf(quota.script(call()));
    now = 250;
    const onTime = statusOf(quota.script(call()));

    // Assess
    expect([early, onTime]).toEqual([429, 'let through']);
  });

  it('keeps a bucket per API', () => {
    // Prepare
    const quota = connectQuota({ ratePerSecond: 1, burst: 1, now: () => 0 });
    quota.script(call('/chat-integration-event'));

    // Act
    const other = statusOf(quota.script(call('/contact/chat')));

    // Assess
    expect(other).toBe('let through');
  });

  it('holds no more than its burst after a long quiet spell', () => {
    // Prepare
    let now = 0;
    const quota = connectQuota({ ratePerSecond: 10, burst: 3, now: () => now });
    now = 60_000;

    // Act
    const statuses = Array.from({ length: 4 }, () =>
      statusOf(quota.script(call()))
    );

    // Assess
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });

  it('records which calls it throttled', () => {
    // Prepare
    const quota = connectQuota({ ratePerSecond: 1, burst: 1, now: () => 7 });

    // Act
    quota.script(call());
    quota.script(call());

    // Assess
    expect(quota.calls().map(({ throttled, at }) => [throttled, at])).toEqual([
      [false, 7],
      [true, 7],
    ]);
  });
});
