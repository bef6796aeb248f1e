import {
  connectFaults,
  connectQuota,
  type FaultKind,
  scheduledFaults,
} from '../../../tools/fault-injection/connect';
import type { RecordedRequest, Reply } from '../../../tools/local-aws/endpoint';

const call = (path = '/chat-integration-event', json: unknown = {}) =>
  ({ method: 'POST', path, headers: {}, body: '{}', json }) as RecordedRequest;

const ok = (): Reply => ({ status: 200, body: {} });

const statusOf = (reply: Reply | undefined) =>
  reply !== undefined && 'status' in reply ? reply.status : 'let through';

describe('the token-bucket Connect', () => {
  const take = (
    quota: ReturnType<typeof connectQuota>,
    at = 0,
    path?: string
  ) => statusOf(quota.script(call(path), ok, at) as Reply | undefined);

  it('lets a full burst through at once, then throttles with a 429', () => {
    // Prepare
    const quota = connectQuota(2, 5);

    // Act
    const statuses = Array.from({ length: 6 }, () => take(quota));

    // Assess
    expect(statuses).toEqual([...Array(5).fill('let through'), 429]);
  });

  it('names the throttle ThrottlingException, as Connect does', () => {
    // Prepare
    const quota = connectQuota(1, 1);
    quota.script(call(), ok, 0);

    // Act
    const reply = quota.script(call(), ok, 0);

    // Assess
    expect(reply).toMatchObject({
      status: 429,
      headers: { 'x-amzn-errortype': 'ThrottlingException' },
    });
  });

  it('refills at the rate per second', () => {
    // Prepare
    const quota = connectQuota(4, 1);
    take(quota, 0);

    // Act
    const statuses = [take(quota, 200), take(quota, 250)];

    // Assess
    expect(statuses).toEqual([429, 'let through']);
  });

  it('keeps a bucket per API', () => {
    // Prepare
    const quota = connectQuota(1, 1);
    take(quota, 0, '/chat-integration-event');

    // Act
    const other = take(quota, 0, '/contact/chat');

    // Assess
    expect(other).toBe('let through');
  });

  it('holds no more than its burst after a long quiet spell', () => {
    // Prepare
    const quota = connectQuota(10, 3);
    take(quota, 0);

    // Act
    const statuses = Array.from({ length: 4 }, () => take(quota, 60_000));

    // Assess
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });

  it('takes a burst of 2.5 times the rate by default, as 5 to 2', () => {
    // Act
    const { burst } = connectQuota(2);

    // Assess
    expect(burst).toBe(5);
  });
});

describe('the scheduled faults in front of Connect', () => {
  const text = (content: string) =>
    call('/chat-integration-event', {
      Event: { Type: 'MESSAGE', Content: content },
    });
  const meet = async (faults: readonly (FaultKind | null)[]) => {
    const plan = connectFaults(scheduledFaults({ 'MESSAGE hello': faults }), {
      slowMs: [0, 0],
    });
    const replies = [];
    for (let i = 0; i < faults.length; i++) {
      replies.push(await plan.script(text('hello'), async () => ok()));
    }
    return { plan, replies };
  };

  it('answers each attempt with its scheduled fault', async () => {
    // Act
    const { replies } = await meet([
      'throttle',
      'server-error',
      'drop-before',
      null,
    ]);

    // Assess
    expect(replies).toEqual([
      expect.objectContaining({ status: 429 }),
      expect.objectContaining({ status: 500 }),
      { drop: true },
      undefined,
    ]);
  });

  it('remembers a call Connect processed before the connection dropped', async () => {
    // Act
    const { plan, replies } = await meet(['drop-after']);

    // Assess
    expect(replies).toEqual([{ drop: true }]);
    expect([...plan.droppedAfter]).toEqual(['MESSAGE hello']);
  });

  it('counts the calls and the faults they met', async () => {
    // Act
    const { plan } = await meet(['slow', null]);

    // Assess
    expect(plan.figures()).toMatchObject({ calls: 2, injected: 1, slow: 1 });
  });
});
