import { readStreamedItem } from '../../../lambda/participant/streamed-item';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';
import {
  type StreamedItem,
  streamedRecord,
} from '../../support/local-participant-mode';

const CONTACT = '33333333-abc5-46db-9ad5-d772559ab556';
const EVENT = 'application/vnd.amazonaws.connect.event';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';

const read = (item: Omit<StreamedItem, 'contactId'>) => {
  const record = streamedRecord({ contactId: CONTACT, ...item });
  return readStreamedItem(record.body, record.messageAttributes, 'sqs-id');
};

describe('readStreamedItem', () => {
  it.each([
    ['AGENT', 'ALL'],
    ['AGENT', 'CUSTOMER'],
    ['SYSTEM', 'ALL'],
    ['CUSTOM_BOT', 'CUSTOMER'],
    ['SUPERVISOR', 'ALL'],
  ] as const)('sends a %s text with visibility %s', (role, visibility) => {
    // Act
    const action = read({ role, visibility, content: 'Hi', id: 'item-1' });

    // Assess
    expect(action).toEqual({
      kind: 'send',
      contactIds: [CONTACT],
      messageId: 'item-1',
      content: 'Hi',
    });
  });

  it.each([
    [{ role: 'CUSTOMER', content: 'Hi' }, 'customer-message'],
    [{ role: 'AGENT', visibility: 'AGENT', content: 'Hi' }, 'not-for-customer'],
    [
      { role: 'AGENT', contentType: 'application/json', content: '{}' },
      'unsupported-content',
    ],
    [{ role: 'CUSTOMER', type: 'ATTACHMENT' }, 'customer-message'],
    [
      { role: 'AGENT', visibility: 'AGENT', type: 'ATTACHMENT' },
      'not-for-customer',
    ],
    [
      { role: 'CUSTOMER', contentType: INTERACTIVE, content: '{}' },
      'customer-message',
    ],
    [
      { role: 'CUSTOM_BOT', contentType: INTERACTIVE, content: ' ' },
      'unsupported-content',
    ],
    [{ role: 'AGENT', content: '   ' }, 'unsupported-content'],
    [{ role: 'AGENT', type: 'EVENT', contentType: `${EVENT}.typing` }, 'event'],
    [
      {
        role: 'AGENT',
        type: 'EVENT',
        contentType: `${EVENT}.participant.left`,
      },
      'event',
    ],
  ] as const)('does not send %j (%s)', (item, reason) => {
    // Act
    const action = read(item);

    // Assess
    expect(action).toEqual({ kind: 'ignore', contactIds: [CONTACT], reason });
  });

  it('texts a notice for an attachment the agent sends', () => {
    // Act
    const action = read({
      role: 'AGENT',
      type: 'ATTACHMENT',
      contentType: 'application/pdf',
      id: 'item-2',
    });

    // Assess
    expect(action).toEqual({
      kind: 'attachment',
      contactIds: [CONTACT],
      messageId: 'item-2',
    });
  });

  it('texts an interactive message a bot sends, with its template', () => {
    // Prepare
    const content = JSON.stringify({ templateType: 'QuickReply' });

    // Act
    const action = read({
      role: 'CUSTOM_BOT',
      contentType: INTERACTIVE,
      content,
      id: 'item-3',
    });

    // Assess
    expect(action).toEqual({
      kind: 'interactive',
      contactIds: [CONTACT],
      messageId: 'item-3',
      content,
    });
  });

  it.each([
    [{ role: 'SYSTEM', contentType: `${EVENT}.chat.ended` }, 'chat-ended'],
    [
      { role: 'CUSTOMER', contentType: `${EVENT}.participant.left` },
      'customer-left',
    ],
  ] as const)('ends the chat on %j', (item, reason) => {
    // Act
    const action = read({ ...item, type: 'EVENT' });

    // Assess
    expect(action).toEqual({ kind: 'end', contactIds: [CONTACT], reason });
  });

  it('lists the initial contact before the current one after a transfer', () => {
    // Act
    const action = read({
      role: 'AGENT',
      content: 'Hi',
      currentContactId: 'transferred',
    });

    // Assess
    expect(action.contactIds).toEqual([CONTACT, 'transferred']);
  });

  it('reads the bare item and the SQS attributes under raw message delivery', () => {
    // Prepare
    const item = JSON.stringify({
      Type: 'MESSAGE',
      ContentType: 'text/plain',
      Content: 'Hi',
      ParticipantRole: 'AGENT',
      InitialContactId: CONTACT,
    });

    // Act
    const action = readStreamedItem(
      item,
      {
        MessageVisibility: { stringValue: 'ALL' },
      },
      'sqs-id'
    );

    // Assess
    expect(action).toEqual({
      kind: 'send',
      contactIds: [CONTACT],
      messageId: 'sqs-id',
      content: 'Hi',
    });
  });

  it.each([
    ['not JSON', 'not json'],
    ['an item with no contact', JSON.stringify({ Type: 'MESSAGE' })],
    ['a list', '[1, 2]'],
  ])('rejects %s as an invalid payload', (_, body) => {
    // Act
    const act = () => readStreamedItem(body, {}, 'sqs-id');

    // Assess
    expect(act).toThrow(UndeliverableError);
    expect(act).toThrow(/invalid-payload/);
  });
});
