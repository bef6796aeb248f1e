import { replyFor } from '../../../lambda/participant/reply';

const NOTICES = {
  attachment: 'Attachments cannot be texted.',
  unsupportedMessage: 'This cannot be texted.',
};
const ITEM = { contactIds: ['contact-1'], messageId: 'item-1' } as const;

describe('replyFor', () => {
  it('texts a text as it is', () => {
    // Act
    const reply = replyFor({ ...ITEM, kind: 'send', content: 'Hi' }, NOTICES);

    // Assess
    expect(reply).toEqual({ kind: 'text', text: 'Hi' });
  });

  it('texts the attachment notice for an attachment', () => {
    // Act
    const reply = replyFor({ ...ITEM, kind: 'attachment' }, NOTICES);

    // Assess
    expect(reply).toEqual({
      kind: 'attachment',
      text: 'Attachments cannot be texted.',
    });
  });

  it('texts an interactive message it can render as text', () => {
    // Prepare
    const content = JSON.stringify({
      templateType: 'QuickReply',
      data: { content: { title: 'Pick one', elements: [{ title: 'Yes' }] } },
    });

    // Act
    const reply = replyFor({ ...ITEM, kind: 'interactive', content }, NOTICES);

    // Assess
    expect(reply).toEqual({
      kind: 'interactive',
      template: 'QuickReply',
      text: 'Pick one\n1. Yes',
    });
  });

  it('texts the unsupported-message notice for one it cannot', () => {
    // Prepare
    const content = JSON.stringify({ templateType: 'WhatsAppList' });

    // Act
    const reply = replyFor({ ...ITEM, kind: 'interactive', content }, NOTICES);

    // Assess
    expect(reply).toEqual({
      kind: 'unsupported-message',
      text: 'This cannot be texted.',
    });
  });
});
