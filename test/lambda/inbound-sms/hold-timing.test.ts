import {
  HOLD_GRACE_SECONDS,
  heldDelaySeconds,
  holdExpiresAt,
} from '../../../lambda/inbound-sms/hold-timing';

const NOW = Date.UTC(2026, 10, 28, 10, 0, 0);

describe('heldDelaySeconds', () => {
  it('brings a held text back a second after the earlier texts are due', () => {
    // Prepare
    const dueAt = NOW + 2_000;

    // Act
    const delay = heldDelaySeconds({ dueAt, ownDelaySeconds: 1, now: NOW });

    // Assess
    expect(delay).toBe(3);
  });

  it('never waits less than its own retry delay', () => {
    // Prepare: the earlier text was due a while ago and is not back yet
    const dueAt = NOW - 60_000;

    // Act
    const delay = heldDelaySeconds({ dueAt, ownDelaySeconds: 40, now: NOW });

    // Assess
    expect(delay).toBe(40);
  });

  it('waits no longer than SQS allows a visibility timeout', () => {
    // Prepare
    const dueAt = NOW + 50_000_000;

    // Act
    const delay = heldDelaySeconds({ dueAt, ownDelaySeconds: 1, now: NOW });

    // Assess
    expect(delay).toBe(43_200);
  });
});

describe('holdExpiresAt', () => {
  it('lets an entry lapse the grace period after its text is due', () => {
    // Prepare
    const retryAt = NOW + 1_500;

    // Act
    const expiresAt = holdExpiresAt(retryAt);

    // Assess
    expect(expiresAt).toBe(Math.ceil(retryAt / 1000) + HOLD_GRACE_SECONDS);
  });
});
