// zod/mini with named imports: esbuild keeps only what this schema uses.
import { object, optional, string } from 'zod/mini';
import { UndeliverableError } from '../shared/undeliverable';

const CHAT_ENDED = 'application/vnd.amazonaws.connect.event.chat.ended';
const PARTICIPANT_LEFT =
  'application/vnd.amazonaws.connect.event.participant.left';
/** Content an SMS can carry as it is. */
const TEXT_CONTENT_TYPES = ['text/plain', 'text/markdown'];
/** A list picker, time picker, panel, carousel... (a JSON template). */
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';

/**
 * One item of Connect's chat message streaming (a participant service
 * `Item`), as published to the streaming topic. Unknown fields are dropped.
 */
const ItemSchema = object({
  Type: optional(string()),
  ContentType: optional(string()),
  Content: optional(string()),
  Id: optional(string()),
  ParticipantRole: optional(string()),
  InitialContactId: optional(string()),
  ContactId: optional(string()),
});

/** SNS (`{Type, Value}`) or SQS (`{stringValue}`) message attributes. */
type Attributes = Readonly<
  Record<string, { Value?: string; stringValue?: string } | undefined>
>;

/** What the outbound function does with a streamed item. */
export type StreamedAction =
  | {
      readonly kind: 'send';
      /** The chat's initial contact first: its id is the session's. */
      readonly contactIds: readonly string[];
      /** Identifies the message across redeliveries. */
      readonly messageId: string;
      readonly content: string;
    }
  | {
      /** An interactive message: its template, to be texted as text. */
      readonly kind: 'interactive';
      readonly contactIds: readonly string[];
      readonly messageId: string;
      readonly content: string;
    }
  | {
      /** The agent sent a file, which SMS cannot carry. */
      readonly kind: 'attachment';
      readonly contactIds: readonly string[];
      readonly messageId: string;
    }
  | {
      readonly kind: 'end';
      readonly contactIds: readonly string[];
      readonly reason: 'chat-ended' | 'customer-left';
    }
  | {
      readonly kind: 'ignore';
      readonly contactIds: readonly string[];
      readonly reason:
        | 'customer-message'
        | 'not-for-customer'
        | 'event'
        | 'unsupported-content';
    };

/**
 * Reads a record of the outbound queue: the SNS notification envelope, or
 * the bare item when raw message delivery is on (attributes then come from
 * the SQS record). Throws `UndeliverableError` for anything unreadable.
 */
export const readStreamedItem = (
  body: string,
  sqsAttributes: Attributes,
  fallbackMessageId: string
): StreamedAction => {
  const json = parseJson(body);
  const envelope = json as {
    Type?: unknown;
    Message?: unknown;
    MessageAttributes?: Attributes;
  } | null;
  const isNotification =
    envelope?.Type === 'Notification' && typeof envelope.Message === 'string';
  const payload = isNotification ? parseJson(envelope.Message as string) : json;
  const parsed = ItemSchema.safeParse(payload);
  if (!parsed.success) {
    throw new UndeliverableError(
      'invalid-payload',
      'not a Connect chat streaming item'
    );
  }
  const attributes =
    (isNotification ? envelope.MessageAttributes : sqsAttributes) ?? {};
  const attribute = (name: string) =>
    attributes[name]?.Value ?? attributes[name]?.stringValue;
  const item = parsed.data;
  const role = item.ParticipantRole ?? attribute('ParticipantRole');
  const contactIds = [
    item.InitialContactId ?? attribute('InitialContactId'),
    item.ContactId ?? attribute('ContactId'),
  ].filter((id, index, ids): id is string => !!id && ids.indexOf(id) === index);
  if (contactIds.length === 0) {
    throw new UndeliverableError(
      'invalid-payload',
      'the streaming item names no contact'
    );
  }
  return classifyChatItem({
    type: item.Type ?? attribute('Type'),
    contentType: item.ContentType ?? attribute('ContentType'),
    content: item.Content,
    role,
    visibility: attribute('MessageVisibility'),
    contactIds,
    messageId: item.Id ?? fallbackMessageId,
  });
};

/** What the rule for customer-facing delivery looks at in a chat item. */
export interface ItemFacts {
  readonly type: string | undefined;
  readonly contentType: string | undefined;
  readonly content: string | undefined;
  readonly role: string | undefined;
  readonly visibility: string | undefined;
  readonly contactIds: readonly string[];
  readonly messageId: string;
}

/**
 * Connect's rule for customer-facing delivery: visibility CUSTOMER or ALL
 * and not written by the customer (else the customer's own texts would be
 * echoed back to them). What passes it is texted: a text as it is, an
 * interactive message rendered as text, an attachment as a notice
 * (`reply.ts`). The one rule for what the bridge texts the customer,
 * whether Connect streamed the item or the transcript holds it.
 */
export const classifyChatItem = (facts: ItemFacts): StreamedAction => {
  const { contactIds } = facts;
  if (facts.type === 'EVENT') {
    if (facts.contentType === CHAT_ENDED) {
      return { kind: 'end', contactIds, reason: 'chat-ended' };
    }
    if (facts.contentType === PARTICIPANT_LEFT && facts.role === 'CUSTOMER') {
      return { kind: 'end', contactIds, reason: 'customer-left' };
    }
    return { kind: 'ignore', contactIds, reason: 'event' };
  }
  if (facts.role === 'CUSTOMER') {
    return { kind: 'ignore', contactIds, reason: 'customer-message' };
  }
  const forCustomer =
    facts.visibility === 'CUSTOMER' || facts.visibility === 'ALL';
  if (!forCustomer || facts.role === undefined) {
    return { kind: 'ignore', contactIds, reason: 'not-for-customer' };
  }
  const { messageId } = facts;
  if (facts.type === 'ATTACHMENT') {
    return { kind: 'attachment', contactIds, messageId };
  }
  const hasContent =
    facts.type === 'MESSAGE' &&
    facts.content !== undefined &&
    facts.content.trim() !== '';
  if (hasContent && facts.contentType === INTERACTIVE) {
    return {
      kind: 'interactive',
      contactIds,
      messageId,
      content: facts.content as string,
    };
  }
  if (!hasContent || !TEXT_CONTENT_TYPES.includes(facts.contentType ?? '')) {
    return { kind: 'ignore', contactIds, reason: 'unsupported-content' };
  }
  return {
    kind: 'send',
    contactIds,
    messageId,
    content: facts.content as string,
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
