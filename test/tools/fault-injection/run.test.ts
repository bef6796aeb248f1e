import {
  disconnectKey,
  messageKey,
} from '../../../tools/fault-injection/connect';
import {
  conversationInversions,
  type Letter,
  tallyOutcomes,
} from '../../../tools/fault-injection/run';
import type { TrafficInput } from '../../../tools/fault-injection/traffic';
import { MAX_RECEIVE_COUNT_EXCEEDED } from '../../../tools/local-aws/sqs';

const CUSTOMER = '+14255550111';
const DESTINATION_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';

const notification = (trackingId: string) =>
  JSON.stringify({ Type: 'Notification', MessageId: trackingId });

const text = (trackingId: string, content: string): TrafficInput => ({
  trackingId,
  kind: 'text',
  body: notification(trackingId),
  at: 0,
  connectKey: messageKey(content),
});

const event = (content: string, customer = CUSTOMER) => ({
  SourceId: customer,
  DestinationId: DESTINATION_ARN,
  Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: content },
});

const deadLetter = (trackingId: string, reason: string): Letter => ({
  body: notification(trackingId),
  reason,
});

describe('the tally of what became of each SMS', () => {
  it('counts an SMS Connect accepted once as delivered exactly once', () => {
    // Act
    const { figures } = tallyOutcomes(
      [text('a', 'Where is parcel 1?')],
      [event('Where is parcel 1?')],
      []
    );

    // Assess
    expect(figures).toMatchObject({
      deliveredExactlyOnce: 1,
      lost: 0,
      unexpected: 0,
    });
  });

  it('counts an SMS Connect accepted more than once as duplicated', () => {
    // Act
    const { figures } = tallyOutcomes(
      [text('a', 'Where is parcel 2?')],
      Array(3).fill(event('Where is parcel 2?')),
      []
    );

    // Assess
    expect(figures).toMatchObject({
      deliveredExactlyOnce: 0,
      duplicated: 1,
      unexpected: 1,
    });
  });

  it('counts an SMS neither accepted nor dead-lettered as lost', () => {
    // Act
    const { figures } = tallyOutcomes(
      [text('a', 'Where is parcel 3?')],
      [],
      []
    );

    // Assess
    expect(figures).toMatchObject({ lost: 1, unexpected: 1 });
  });

  it('accepts a deliverable SMS the redrive policy dead-lettered', () => {
    // Act
    const { figures } = tallyOutcomes(
      [text('a', 'Where is parcel 4?')],
      [],
      [deadLetter('a', MAX_RECEIVE_COUNT_EXCEEDED)]
    );

    // Assess
    expect(figures).toMatchObject({
      deadLettered: 1,
      deadLetteredByReason: { [MAX_RECEIVE_COUNT_EXCEEDED]: 1 },
      lost: 0,
      unexpected: 0,
    });
  });

  it('flags a deliverable SMS the function dead-lettered as unexpected', () => {
    // Act
    const { figures } = tallyOutcomes(
      [text('a', 'Where is parcel 5?')],
      [],
      [deadLetter('a', 'connect-rejected')]
    );

    // Assess
    expect(figures).toMatchObject({ deadLettered: 1, lost: 0, unexpected: 1 });
  });

  it('expects an undeliverable SMS in the dead-letter queue with its own reason', () => {
    // Prepare
    const invalid: TrafficInput = {
      trackingId: 'b',
      kind: 'invalid-payload',
      body: notification('b'),
      at: 0,
    };

    // Act
    const [right, wrong] = [
      deadLetter('b', 'invalid-payload'),
      deadLetter('b', 'unknown-destination'),
    ].map((letter) => tallyOutcomes([invalid], [], [letter]).figures);

    // Assess
    expect(right).toMatchObject({
      deadLetteredByReason: { 'invalid-payload': 1 },
      unexpected: 0,
    });
    expect(wrong?.unexpected).toBe(1);
  });

  it('matches a disconnect to the opt-out of its customer and number', () => {
    // Prepare
    const optOut: TrafficInput = {
      trackingId: 'c',
      kind: 'opt-out',
      body: notification('c'),
      at: 0,
      connectKey: disconnectKey(CUSTOMER, DESTINATION_ARN),
    };
    const disconnect = {
      SourceId: CUSTOMER,
      DestinationId: DESTINATION_ARN,
      Event: { Type: 'DISCONNECT' },
    };

    // Act
    const { figures } = tallyOutcomes([optOut], [disconnect], []);

    // Assess
    expect(figures).toMatchObject({ deliveredExactlyOnce: 1, unexpected: 0 });
  });

  it('counts accepted events that match no SMS', () => {
    // Act
    const { figures } = tallyOutcomes([], [event('Nobody sent this one')], []);

    // Assess
    expect(figures.unattributedEvents).toBe(1);
  });
});

describe('the inversions within a conversation', () => {
  const PUBLISHED = ['MESSAGE a1', 'MESSAGE b1', 'MESSAGE a2', 'MESSAGE a3'];
  const OTHER = '+14255550101';

  it('counts none when each conversation is taken in publication order', () => {
    // Act
    const result = conversationInversions(PUBLISHED, [
      event('a1'),
      event('a2'),
      event('b1', OTHER),
      event('a3'),
    ]);

    // Assess
    expect(result).toBe(0);
  });

  it('counts each pair of a conversation taken in the wrong order', () => {
    // Act: a3 overtakes a1 and a2
    const result = conversationInversions(PUBLISHED, [
      event('a3'),
      event('a1'),
      event('a2'),
    ]);

    // Assess
    expect(result).toBe(2);
  });

  it('counts a duplicate at its first acceptance only', () => {
    // Act
    const result = conversationInversions(PUBLISHED, [
      event('a1'),
      event('a2'),
      event('a1'),
    ]);

    // Assess
    expect(result).toBe(0);
  });
});
