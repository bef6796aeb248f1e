import {
  IdempotencyAlreadyInProgressError,
  type IdempotencyConfig,
} from '@aws-lambda-powertools/idempotency';
import {
  type ConnectParticipantClient,
  GetTranscriptCommand,
  type GetTranscriptCommandInput,
  type Item,
} from '@aws-sdk/client-connectparticipant';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { PinpointSMSVoiceV2Client } from '../shared/sms-voice';
import {
  classifyServiceError,
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';
import { classifySmsError, isChatGone } from './chat-failures';
import type { OutboundNotices } from './notices';
import { replyFor } from './reply';
import { sentPartStore } from './sent-part-record';
import {
  type ChatMessage,
  createMessageTexter,
  type MessageTexter,
  type TextRoute,
} from './sent-parts';
import { classifyChatItem } from './streamed-item';
import { isOptedOutError } from './text-message';

/** GetTranscript's largest page ("MaxResults ... Maximum value of 100"). */
const TRANSCRIPT_PAGE_SIZE = 100;
/** A chat that just started holds a few items; this bounds the reading. */
const MAX_TRANSCRIPT_PAGES = 5;

/**
 * Transcript items carry no `MessageVisibility`. The bridge reads the
 * transcript with the customer's own connection token, which gets the
 * customer's view of the chat, the one their chat client would show: an
 * item in it counts as visible to the customer.
 */
const TRANSCRIPT_VISIBILITY = 'CUSTOMER';

/**
 * One page of the chat's transcript, newest first on the service's side:
 * without a `StartPosition` the scan goes `BACKWARD` from the most recent
 * item, and `NextToken` goes on further back. Each page is asked for in
 * `ASCENDING` order.
 */
export const transcriptRequest = (
  connectionToken: string,
  nextToken?: string
): GetTranscriptCommandInput => ({
  ConnectionToken: connectionToken,
  ScanDirection: 'BACKWARD',
  SortOrder: 'ASCENDING',
  MaxResults: TRANSCRIPT_PAGE_SIZE,
  ...(nextToken === undefined ? {} : { NextToken: nextToken }),
});

/**
 * The items of pages read backward (newest page first, each in ascending
 * order), oldest first: an item that two pages hold is kept once.
 */
export const transcriptInOrder = (pages: readonly (readonly Item[])[]) => {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const page of [...pages].reverse()) {
    for (const item of page) {
      if (item.Id !== undefined && seen.has(item.Id)) continue;
      if (item.Id !== undefined) seen.add(item.Id);
      items.push(item);
    }
  }
  const time = (item: Item) => Date.parse(item.AbsoluteTime ?? '');
  return items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        (Number.isFinite(time(a.item)) && Number.isFinite(time(b.item))
          ? time(a.item) - time(b.item)
          : 0) || a.index - b.index
    )
    .map(({ item }) => item);
};

/** What the transcript asks of the bridge. */
export interface TranscriptReading {
  /** Messages to text the customer, in the order they were said. */
  readonly messages: readonly ChatMessage[];
  /** The chat is already over (ended, or the customer left). */
  readonly chatOver: boolean;
}

/**
 * What to text the customer from a transcript: each item that the
 * outbound function's rule (`classifyChatItem`) would text if Connect had
 * streamed it, as that function texts it (`replyFor`): a text as it is, an
 * interactive message rendered as text or its notice, an attachment as its
 * notice. An item without an id cannot be texted exactly once, so it is
 * left out.
 */
export const readTranscript = (
  items: readonly Item[],
  contactId: string,
  notices: OutboundNotices
): TranscriptReading => {
  const messages: ChatMessage[] = [];
  let chatOver = false;
  for (const item of items) {
    const action = classifyChatItem({
      type: item.Type,
      contentType: item.ContentType,
      content: item.Content,
      role: item.ParticipantRole,
      visibility: TRANSCRIPT_VISIBILITY,
      contactIds: [item.ContactId ?? contactId],
      messageId: item.Id ?? '',
    });
    if (action.kind === 'end') chatOver = true;
    if (
      action.kind !== 'end' &&
      action.kind !== 'ignore' &&
      action.messageId !== ''
    ) {
      messages.push({
        messageId: action.messageId,
        content: replyFor(action, notices).text,
      });
    }
  }
  return { messages, chatOver };
};

/** What texting the flow's messages came to; logged and counted. */
export type FlowMessagesOutcome =
  | {
      readonly kind: 'texted';
      /**
       * Messages the customer has been texted, now or (for one that
       * streaming delivered too) by the outbound function already.
       */
      readonly sent: number;
      readonly chatOver: boolean;
      /** More transcript than the bridge reads; the oldest was left. */
      readonly truncated: boolean;
    }
  /** The transcript cannot be read: the chat ended and took the token. */
  | { readonly kind: 'chat-gone' }
  /** The customer is on the number's opt-out list: nothing can be texted. */
  | { readonly kind: 'opted-out'; readonly sent: number }
  /** A refusal no retry changes, by name and status only. */
  | {
      readonly kind: 'failed';
      readonly sent: number;
      readonly errorName: string;
      readonly httpStatusCode: number | undefined;
    };

/** Reads a new chat's transcript and texts the customer what it says. */
export type FlowMessageSender = (chat: {
  readonly contactId: string;
  readonly connectionToken: string;
  readonly route: TextRoute;
}) => Promise<FlowMessagesOutcome>;

export interface FlowMessageDependencies {
  readonly participant: ConnectParticipantClient;
  readonly texter: MessageTexter;
  /** Texted in place of what SMS cannot carry, as the outbound function does. */
  readonly notices: OutboundNotices;
}

/**
 * Texts the customer what the chat's flow said before streaming started
 * (a greeting, an out-of-hours notice, a queue position): streaming does
 * not deliver what was written before it took effect, the transcript has
 * it. Each message goes through the sent-part markers the outbound
 * function keeps, so one that streaming delivers too is texted once.
 * Throws only what a retry may get past (throttling, 5xx, the network).
 */
export const createFlowMessageSender =
  (deps: FlowMessageDependencies): FlowMessageSender =>
  async ({ contactId, connectionToken, route }) => {
    const pages: Item[][] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await deps.participant.send(
          new GetTranscriptCommand(
            transcriptRequest(connectionToken, nextToken)
          )
        );
        pages.push(page.Transcript ?? []);
        nextToken = page.NextToken;
      } while (nextToken !== undefined && pages.length < MAX_TRANSCRIPT_PAGES);
    } catch (error) {
      if (isChatGone(error)) return { kind: 'chat-gone' };
      const classified = classifyServiceError(error);
      if (!(classified instanceof UndeliverableError)) throw classified;
      return failed(error, 0);
    }
    const reading = readTranscript(
      transcriptInOrder(pages),
      contactId,
      deps.notices
    );
    let sent = 0;
    for (const message of reading.messages) {
      try {
        await deps.texter(message, route);
        sent++;
      } catch (error) {
        // The outbound function is texting it at this moment.
        if (error instanceof IdempotencyAlreadyInProgressError) continue;
        if (isOptedOutError(error)) return { kind: 'opted-out', sent };
        const classified = classifySmsError(error);
        if (!(classified instanceof UndeliverableError)) throw classified;
        return failed(error, sent);
      }
    }
    return {
      kind: 'texted',
      sent,
      chatOver: reading.chatOver,
      truncated: nextToken !== undefined,
    };
  };

const failed = (error: unknown, sent: number): FlowMessagesOutcome => ({
  kind: 'failed',
  sent,
  errorName: errorNameOf(error),
  httpStatusCode: httpStatusOf(error),
});

/**
 * The flow-message sender with its own End User Messaging client and the
 * shared sent-part markers; loaded with the first new chat, so that the
 * cold start does not pay for the SMS client. `config` is registered with
 * each invocation's context by the caller.
 */
export const loadFlowMessageSender = (options: {
  readonly participant: ConnectParticipantClient;
  readonly dynamodb: DynamoDBClient;
  readonly sessionTableName: string;
  /** The outbound function's name, under which it keys its markers. */
  readonly keyPrefix: string;
  readonly config: IdempotencyConfig;
  readonly notices: OutboundNotices;
}): FlowMessageSender => {
  return createFlowMessageSender({
    participant: options.participant,
    notices: options.notices,
    texter: createMessageTexter(
      new PinpointSMSVoiceV2Client({ requestHandler: REQUEST_TIMEOUTS }),
      sentPartStore(options)
    ),
  });
};
