import {
  disconnectKey,
  messageKey,
} from '../../../tools/fault-injection/connect-key';
import { tallyOutcomes } from '../../../tools/fault-injection/tally';
import type { TrafficInput } from '../../../tools/fault-injection/traffic';
import type { StoredMessage } from '../../../tools/local-aws/sqs';
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
  connectKey: messageKey(content),
});

const event = (content: string) => ({
  SourceId: CUSTOMER,
  DestinationId: DESTINATION_ARN,
  Event: { Type: 'MESSAGE', ContentType: 'text/plain', Content: content },
});

const deadLetter = (trackingId: string, reason: string): StoredMessage => ({
  MessageId: `dlq-${trackingId}`,
  Body: notification(trackingId),
  MessageAttributes: {
    failureReason: { DataType: 'String', StringValue: reason },
  },
});

describe('the tally of what became of each SMS', () => {
  it('counts an SMS Connect accepted once as delivered exactly once', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [text('a', 'Where is parcel 1?')],
      accepted: [event('Where is parcel 1?')],
      deadLetters: [],
      redriven: [],
    });

    // Assess
    expect(tally).toMatchObject({
      deliveredExactlyOnce: 1,
      duplicatesForwarded: 0,
      lost: 0,
      unexpected: 0,
    });
  });

  it('counts each event beyond the first as a duplicate forwarded', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [text('a', 'Where is parcel 2?')],
      accepted: [
        event('Where is parcel 2?'),
        event('Where is parcel 2?'),
        event('Where is parcel 2?'),
      ],
      deadLetters: [],
      redriven: [],
    });

    // Assess
    expect(tally).toMatchObject({
      deliveredExactlyOnce: 0,
      duplicated: 1,
      duplicatesForwarded: 2,
      unexpected: 1,
    });
  });

  it('counts an SMS neither accepted nor dead-lettered as lost', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [text('a', 'Where is parcel 3?')],
      accepted: [],
      deadLetters: [],
      redriven: [],
    });

    // Assess
    expect(tally).toMatchObject({ lost: 1, unexpected: 1 });
  });

  it('accepts a deliverable SMS the redrive policy dead-lettered', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [text('a', 'Where is parcel 4?')],
      accepted: [],
      deadLetters: [],
      redriven: [
        {
          body: notification('a'),
          receiveCount: 5,
          reason: MAX_RECEIVE_COUNT_EXCEEDED,
        },
      ],
    });

    // Assess
    expect(tally).toMatchObject({
      deadLettered: 1,
      deadLetteredByReason: { [MAX_RECEIVE_COUNT_EXCEEDED]: 1 },
      lost: 0,
      unexpected: 0,
    });
  });

  it('flags a deliverable SMS the function dead-lettered as unexpected', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [text('a', 'Where is parcel 5?')],
      accepted: [],
      deadLetters: [deadLetter('a', 'connect-rejected')],
      redriven: [],
    });

    // Assess
    expect(tally).toMatchObject({ deadLettered: 1, lost: 0, unexpected: 1 });
  });

  it('expects an undeliverable SMS in the dead-letter queue with its own reason', () => {
    // Prepare
    const invalid: TrafficInput = {
      trackingId: 'b',
      kind: 'invalid-payload',
      body: notification('b'),
      expectedReason: 'invalid-payload',
    };

    // Act
    const [right, wrong] = [
      deadLetter('b', 'invalid-payload'),
      deadLetter('b', 'unknown-destination'),
    ].map((letter) =>
      tallyOutcomes({
        inputs: [invalid],
        accepted: [],
        deadLetters: [letter],
        redriven: [],
      })
    );

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
      connectKey: disconnectKey(CUSTOMER, DESTINATION_ARN),
    };

    // Act
    const tally = tallyOutcomes({
      inputs: [optOut],
      accepted: [
        {
          SourceId: CUSTOMER,
          DestinationId: DESTINATION_ARN,
          Event: { Type: 'DISCONNECT' },
        },
      ],
      deadLetters: [],
      redriven: [],
    });

    // Assess
    expect(tally).toMatchObject({ deliveredExactlyOnce: 1, unexpected: 0 });
  });

  it('counts accepted events that match no SMS', () => {
    // Act
    const tally = tallyOutcomes({
      inputs: [],
      accepted: [event('Nobody sent this one')],
      deadLetters: [],
      redriven: [],
    });

    // Assess
    expect(tally.unattributedEvents).toBe(1);
  });
});
