import { MAX_BODY_BYTES } from '../../../lambda/inbound-sms/schema';
import {
  chatMessageParts,
  sendEachPartOnce,
} from '../../../lambda/inbound-sms/text-parts';
import {
  type ConfirmationStore,
  startConfirmationStore,
} from '../../support/confirmation-store';

describe('chatMessageParts', () => {
  it('keeps a text of up to 1,024 characters exactly as received', () => {
    // Prepare
    const body = `  ${'word '.repeat(204)}  `;

    // Act
    const parts = chatMessageParts(body);

    // Assess
    expect(body.length).toBe(1024);
    expect(parts).toEqual([body]);
  });

  it('splits a longer text at the last word boundary that fits', () => {
    // Prepare
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);

    // Act
    const parts = chatMessageParts(words.join(' '));

    // Assess
    expect(parts.length).toBe(2);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1024);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });

  it('cuts a word longer than a part, but not inside a surrogate pair', () => {
    // Prepare
    const body = `${'a'.repeat(1023)}😀b`;

    // Act
    const parts = chatMessageParts(body);

    // Assess
    expect(parts).toEqual(['a'.repeat(1023), '😀b']);
    expect(parts.every((part) => part.isWellFormed())).toBe(true);
  });
  it('makes 16 parts of the largest body the schema takes', () => {
    // Prepare
    const body = 'a'.repeat(MAX_BODY_BYTES);

    // Act
    const parts = chatMessageParts(body);

    // Assess
    expect(parts).toHaveLength(16);
  });
});

describe('sendEachPartOnce', () => {
  let store: ConfirmationStore;

  beforeAll(async () => {
    store = await startConfirmationStore();
  });

  afterAll(async () => {
    await store.close();
  });

  it('sends the parts in order and returns what each send gave', async () => {
    // Prepare
    const sendParts = sendEachPartOnce(store.confirmations);
    const sent: string[] = [];

    // Act
    const results = await sendParts(
      'text-in-order',
      ['a', 'b', 'c'],
      async (part, index) => {
        sent.push(part);
        return { index };
      }
    );

    // Assess
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(results).toEqual([{ index: 0 }, { index: 1 }, { index: 2 }]);
  });

  it('sends only the parts a failed attempt did not, and replays what the others gave', async () => {
    // Prepare: the first attempt fails on the second part
    const sent: string[] = [];
    await expect(
      sendEachPartOnce(store.confirmations)(
        'text-retried',
        ['a', 'b'],
        async (part) => {
          if (part === 'b') throw new Error('Connect is down');
          sent.push(part);
          return { part };
        }
      )
    ).rejects.toThrow('Connect is down');

    // Act: a new function instance retries the text
    const results = await sendEachPartOnce(store.confirmations)(
      'text-retried',
      ['a', 'b'],
      async (part) => {
        sent.push(part);
        return { part };
      }
    );

    // Assess
    expect(sent).toEqual(['a', 'b']);
    expect(results).toEqual([{ part: 'a' }, { part: 'b' }]);
  });

  it('keeps no marker for a text of one part', async () => {
    // Prepare
    const openStore = jest.fn(store.confirmations);
    const sendParts = sendEachPartOnce(openStore);

    // Act
    const results = await sendParts('text-short', ['only'], async () => ({
      sent: true,
    }));

    // Assess
    expect(results).toEqual([{ sent: true }]);
    expect(openStore).not.toHaveBeenCalled();
  });
});
