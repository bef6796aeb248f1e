import {
  type IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { checkKeyedOnArgument } from '../shared/idempotency-key';
import { splitMessage } from '../shared/split-message';

/**
 * Connect's limit on a `text/plain` chat message: 1 to 1,024 characters
 * (participant SendMessage, ChatMessage; SendChatIntegrationEvent's event
 * content follows SendMessage's rules). AWS does not say whether it counts
 * UTF-16 code units or code points; the bridge counts code units, which
 * are never fewer, so a part fits whichever Connect counts.
 */
export const MAX_CHAT_MESSAGE_LENGTH = 1024;

/**
 * The chat messages one text becomes: the text exactly as received when
 * it fits in one, else ordered parts split at word boundaries (a word
 * longer than a part is cut, never inside a surrogate pair). The caller
 * has already refused a blank text, so there is always a part.
 */
export const chatMessageParts = (body: string): string[] =>
  body.length <= MAX_CHAT_MESSAGE_LENGTH
    ? [body]
    : splitMessage(body, MAX_CHAT_MESSAGE_LENGTH);

/**
 * Sends the parts of one text in order and returns what each send gave.
 * A part that throws stops the rest, and the error is passed on.
 */
export type SendParts = <P, T>(
  inboundMessageId: string,
  parts: readonly P[],
  send: (part: P, index: number) => Promise<T>
) => Promise<T[]>;

/** Sets the part markers apart from the function's own records. */
const PART_KEY_PREFIX = 'message-part';

/**
 * `SendParts` that remembers each part it sent, so that a retried text
 * sends only the parts a failed attempt did not: the text's own
 * idempotency record is only written once every part is in, and
 * `SendChatIntegrationEvent` takes no client token. A part's marker is
 * keyed on `inboundMessageId#index` and holds what its send returned (it
 * must be JSON). A text of one part needs no marker: the text's own record
 * is its marker.
 *
 * `store` is called once, with the first text of several parts, so that no
 * other text pays for the client. Its `config` must hash the key argument
 * as it is and have the invocation's context registered (the inbound
 * function's own config does); its `persistenceStore` must not be one that
 * other records use, as a store keeps the key prefix of its last call.
 */
export const sendEachPartOnce = (
  store: () => {
    readonly persistenceStore: BasePersistenceLayer;
    readonly config: IdempotencyConfig;
  }
): SendParts => {
  let sendOnce:
    | ((key: string, send: () => Promise<unknown>) => Promise<unknown>)
    | undefined;
  const once = () => {
    if (sendOnce === undefined) {
      const options = store();
      checkKeyedOnArgument(options.config);
      sendOnce = makeIdempotent(
        async (_key: string, send: () => Promise<unknown>) => send(),
        { ...options, keyPrefix: PART_KEY_PREFIX, dataIndexArgument: 0 }
      );
    }
    return sendOnce;
  };
  return async <P, T>(
    inboundMessageId: string,
    parts: readonly P[],
    send: (part: P, index: number) => Promise<T>
  ): Promise<T[]> => {
    if (parts.length === 1) return [await send(parts[0] as P, 0)];
    const results: T[] = [];
    for (const [index, part] of parts.entries()) {
      results.push(
        (await once()(`${inboundMessageId}#${index}`, () =>
          send(part, index)
        )) as T
      );
    }
    return results;
  };
};
