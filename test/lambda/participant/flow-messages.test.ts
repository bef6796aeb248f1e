import type { Item } from '@aws-sdk/client-connectparticipant';
import {
  readTranscript,
  transcriptInOrder,
  transcriptRequest,
} from '../../../lambda/participant/flow-messages';

const CONTACT_ID = 'contact-1';
const EVENT = 'application/vnd.amazonaws.connect.event';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
/** What the outbound function is told to text for what SMS cannot carry. */
const NOTICES = {
  attachment: 'The agent sent an attachment.',
  unsupportedMessage: 'The agent sent a message SMS cannot show.',
};

/** A transcript item as GetTranscript answers it. */
const item = (overrides: Partial<Item>): Item => ({
  Id: 'item-1',
  AbsoluteTime: '2027-01-02T03:04:05.000Z',
  Type: 'MESSAGE',
  ContentType: 'text/plain',
  Content: 'Thanks for texting us',
  ParticipantRole: 'SYSTEM',
  ContactId: CONTACT_ID,
  ...overrides,
});

describe('transcriptRequest', () => {
  it('reads backward from the newest item, each page in ascending order, 100 at a time', () => {
    // Act
    const request = transcriptRequest('connection-token');

    // Assess
    expect(request).toEqual({
      ConnectionToken: 'connection-token',
      ScanDirection: 'BACKWARD',
      SortOrder: 'ASCENDING',
      MaxResults: 100,
    });
  });

  it('goes on from the page before with its NextToken', () => {
    // Act
    const request = transcriptRequest('connection-token', 'page-2');

    // Assess
    expect(request.NextToken).toBe('page-2');
  });
});

describe('transcriptInOrder', () => {
  it('puts the pages read backward in the order the items were said', () => {
    // Prepare: the newest page first
    const newest = [
      item({ Id: 'c', AbsoluteTime: '2027-01-02T03:00:03.000Z' }),
      item({ Id: 'd', AbsoluteTime: '2027-01-02T03:00:04.000Z' }),
    ];
    const older = [
      item({ Id: 'a', AbsoluteTime: '2027-01-02T03:00:01.000Z' }),
      item({ Id: 'b', AbsoluteTime: '2027-01-02T03:00:02.000Z' }),
    ];

    // Act
    const items = transcriptInOrder([newest, older]);

    // Assess
    expect(items.map((i) => i.Id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps an item that two pages hold once', () => {
    // Act
    const items = transcriptInOrder([
      [item({ Id: 'b' })],
      [item({ Id: 'a' }), item({ Id: 'b' })],
    ]);

    // Assess
    expect(items.map((i) => i.Id)).toEqual(['a', 'b']);
  });

  it('orders by time even when a page came sorted the other way', () => {
    // Act
    const items = transcriptInOrder([
      [
        item({ Id: 'late', AbsoluteTime: '2027-01-02T03:00:09.000Z' }),
        item({ Id: 'early', AbsoluteTime: '2027-01-02T03:00:01.000Z' }),
      ],
    ]);

    // Assess
    expect(items.map((i) => i.Id)).toEqual(['early', 'late']);
  });
});

describe('readTranscript', () => {
  it.each([
    ['the flow (SYSTEM)', 'SYSTEM'],
    ['a bot', 'CUSTOM_BOT'],
    ['an agent', 'AGENT'],
  ] as const)('texts a text message from %s', (_, role) => {
    // Act
    const reading = readTranscript(
      [item({ Id: 'greeting', ParticipantRole: role })],
      CONTACT_ID,
      NOTICES
    );

    // Assess
    expect(reading.messages).toEqual([
      { messageId: 'greeting', content: 'Thanks for texting us' },
    ]);
  });

  it("does not text the customer's own messages back to them", () => {
    // Act
    const reading = readTranscript(
      [item({ ParticipantRole: 'CUSTOMER', Content: 'Where is my parcel?' })],
      CONTACT_ID,
      NOTICES
    );

    // Assess
    expect(reading.messages).toEqual([]);
  });

  it.each([
    ['an event', { Type: 'EVENT', ContentType: `${EVENT}.participant.joined` }],
    ['a blank message', { Content: '  ' }],
    ['a message without an id', { Id: undefined }],
  ] as const)('texts nothing for %s', (_, overrides) => {
    // Act
    const reading = readTranscript([item(overrides)], CONTACT_ID, NOTICES);

    // Assess
    expect(reading.messages).toEqual([]);
  });

  it('texts an interactive message as the outbound function renders it', () => {
    // Prepare: a quick reply a bot sent before streaming started
    const quickReply = {
      templateType: 'QuickReply',
      version: '1.0',
      data: {
        content: {
          title: 'How can we help?',
          elements: [{ title: 'Track a parcel' }, { title: 'Talk to us' }],
        },
      },
    };

    // Act
    const reading = readTranscript(
      [
        item({
          Id: 'menu',
          ParticipantRole: 'CUSTOM_BOT',
          ContentType: INTERACTIVE,
          Content: JSON.stringify(quickReply),
        }),
      ],
      CONTACT_ID,
      NOTICES
    );

    // Assess
    expect(reading.messages).toEqual([
      {
        messageId: 'menu',
        content: 'How can we help?\n1. Track a parcel\n2. Talk to us',
      },
    ]);
  });

  it.each([
    [
      'an interactive message it cannot render',
      { ContentType: INTERACTIVE, Content: 'Thanks for texting us' },
      NOTICES.unsupportedMessage,
    ],
    [
      'an attachment',
      {
        Type: 'ATTACHMENT',
        ContentType: 'application/pdf',
        Content: undefined,
      },
      NOTICES.attachment,
    ],
  ] as const)('texts the notice for %s', (_, overrides, notice) => {
    // Act
    const reading = readTranscript([item(overrides)], CONTACT_ID, NOTICES);

    // Assess
    expect(reading.messages).toEqual([
      { messageId: 'item-1', content: notice },
    ]);
  });

  it('texts each message in the order of the transcript', () => {
    // Act
    const reading = readTranscript(
      [
        item({ Id: 'one', Content: 'Thanks for texting us' }),
        item({ Id: 'two', Content: 'You are number 3 in the queue' }),
      ],
      CONTACT_ID,
      NOTICES
    );

    // Assess
    expect(reading.messages.map((m) => m.messageId)).toEqual(['one', 'two']);
  });

  it('says the chat is over when the transcript holds its end', () => {
    // Act
    const reading = readTranscript(
      [
        item({ Content: 'We are closed' }),
        item({
          Id: 'end',
          Type: 'EVENT',
          ContentType: `${EVENT}.chat.ended`,
          Content: undefined,
        }),
      ],
      CONTACT_ID,
      NOTICES
    );

    // Assess
    expect(reading).toEqual({
      messages: [{ messageId: 'item-1', content: 'We are closed' }],
      chatOver: true,
    });
  });

  it('says a chat without an end is not over', () => {
    // Act
    const reading = readTranscript([item({})], CONTACT_ID, NOTICES);

    // Assess
    expect(reading.chatOver).toBe(false);
  });
});
