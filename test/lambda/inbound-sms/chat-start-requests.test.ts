import { messageParts } from '../../../lambda/inbound-sms/chat-start-requests';

describe('messageParts', () => {
  it("gives a text of one part the text's id as its client token", () => {
    // Act
    const parts = messageParts('inbound-1', ['Hello']);

    // Assess
    expect(parts).toEqual([{ content: 'Hello', clientToken: 'inbound-1' }]);
  });

  it('gives each later part of a long text a client token of its own', () => {
    // Act
    const parts = messageParts('inbound-1', ['one', 'two', 'three']);

    // Assess
    expect(parts.map((part) => part.clientToken)).toEqual([
      'inbound-1',
      'inbound-1-part-1',
      'inbound-1-part-2',
    ]);
  });
});
