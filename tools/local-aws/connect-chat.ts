import { randomBytes, randomUUID } from 'node:crypto';
import type { Item, ParticipantRole } from '@aws-sdk/client-connectparticipant';
import { chatTextProblem } from './connect';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/** Who the participant service shows an item to (streaming's `MessageVisibility`). */
type Visibility = 'CUSTOMER' | 'AGENT' | 'ALL';

export type TranscriptItem = Item & { readonly visibility: Visibility };

/**
 * What a contact flow writes as a chat starts (a greeting, an out-of-hours
 * notice): in the transcript, never streamed, since streaming starts after.
 */
interface LocalFlow {
  readonly says?: readonly {
    readonly content: string;
    readonly role?: ParticipantRole;
    readonly visibility?: Visibility;
    readonly contentType?: string;
    readonly id?: string;
  }[];
  readonly endsChat?: boolean;
}

/** One chat as the local Connect and participant service know it. */
export interface LocalChat {
  readonly contactId: string;
  readonly participantId: string;
  readonly participantToken: string;
  /** The `StartChatContact` input that opened it. */
  readonly start: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds on the chats' clock. */
  readonly startedAt: number;
  readonly endsAt: number;
  /** `StreamingEndpointArn`s, in the order streaming was started. */
  readonly streamingEndpoints: string[];
  readonly connectionTokens: string[];
  readonly connections: { token: string; expiresAt: number }[];
  /** What the customer said: the initial message, then each `SendMessage`. */
  readonly messages: { ContentType: string; Content: string }[];
  readonly transcript: TranscriptItem[];
  /** Ended by an agent, its flow or the customer, or past its duration; setting it ends the chat. */
  ended: boolean;
  customerDisconnected: boolean;
}

/**
 * The chats the local Connect opens and the local participant service
 * talks to. Tests read them, end them as an agent would, script the flows
 * they start in, and move `clock` (the services' own time) forward to let
 * a token expire or a chat reach its duration without waiting.
 */
export const localChats = () => {
  let offset = 0;
  const clock = {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
  const chats: LocalChat[] = [];
  const byClientToken = new Map<string, LocalChat>();
  const flows = new Map<string, LocalFlow>();

  const addItem = (
    chat: LocalChat,
    item: Omit<TranscriptItem, 'AbsoluteTime' | 'ContactId'>
  ): TranscriptItem => {
    const added = {
      Id: randomUUID(),
      ...item,
      AbsoluteTime: new Date(clock.now()).toISOString(),
      ContactId: chat.contactId,
    };
    chat.transcript.push(added);
    return added;
  };

  const sayAsCustomer = (
    chat: LocalChat,
    contentType: string,
    content: string
  ): TranscriptItem => {
    chat.messages.push({ ContentType: contentType, Content: content });
    return addItem(chat, {
      Type: 'MESSAGE',
      ContentType: contentType,
      Content: content,
      ParticipantId: chat.participantId,
      DisplayName: 'Customer',
      ParticipantRole: 'CUSTOMER',
      visibility: 'ALL',
    });
  };

  /** Opens a chat, or finds the one a repeated `clientToken` opened. */
  const open = (
    start: Record<string, unknown>,
    clientToken?: string
  ): LocalChat => {
    const earlier = clientToken && byClientToken.get(clientToken);
    if (earlier) return earlier;
    const startedAt = clock.now();
    const minutes = start.ChatDurationInMinutes;
    let endedNow = false;
    const chat: LocalChat = {
      contactId: randomUUID(),
      participantId: randomUUID(),
      participantToken: randomBytes(24).toString('base64url'),
      start,
      startedAt,
      endsAt:
        startedAt + (typeof minutes === 'number' ? minutes : 1500) * 60_000,
      streamingEndpoints: [],
      connectionTokens: [],
      connections: [],
      messages: [],
      transcript: [],
      get ended() {
        return endedNow || clock.now() >= this.endsAt;
      },
      set ended(value: boolean) {
        if (!value || this.ended) return;
        endedNow = true;
        addItem(this, {
          Type: 'EVENT',
          ContentType: 'application/vnd.amazonaws.connect.event.chat.ended',
          ParticipantRole: 'SYSTEM',
          visibility: 'ALL',
        });
      },
      customerDisconnected: false,
    };
    chats.push(chat);
    if (clientToken) byClientToken.set(clientToken, chat);
    const initial = start.InitialMessage as
      | { ContentType?: string; Content?: string }
      | undefined;
    if (initial?.Content !== undefined) {
      sayAsCustomer(chat, initial.ContentType ?? 'text/plain', initial.Content);
    }
    const flow = flows.get(String(start.ContactFlowId));
    for (const message of flow?.says ?? []) {
      addItem(chat, {
        ...(message.id === undefined ? {} : { Id: message.id }),
        Type: 'MESSAGE',
        ContentType: message.contentType ?? 'text/plain',
        Content: message.content,
        ParticipantId: randomUUID(),
        DisplayName: 'SYSTEM_MESSAGE',
        ParticipantRole: message.role ?? 'SYSTEM',
        visibility: message.visibility ?? 'ALL',
      });
    }
    if (flow?.endsChat) chat.ended = true;
    return chat;
  };

  return {
    clock,
    list: (): LocalChat[] => [...chats],
    open,
    sayAsCustomer,
    addItem,
    /** Chats that start in this flow from now on meet `flow`. */
    setFlow: (contactFlowId: string, flow: LocalFlow | undefined): void => {
      if (flow === undefined) flows.delete(contactFlowId);
      else flows.set(contactFlowId, flow);
    },
    end: (contactId: string): void => {
      const chat = chats.find((c) => c.contactId === contactId);
      if (chat) chat.ended = true;
    },
  };
};

export type LocalChats = ReturnType<typeof localChats>;

const MISSING = {
  '/contact/chat':
    'InstanceId, ContactFlowId and ParticipantDetails.DisplayName are required',
  '/contact/start-streaming':
    'InstanceId, ContactId and ChatStreamingConfiguration are required',
};

/**
 * Amazon Connect's chat routes, with the errors their API references list:
 * `PUT /contact/chat`, idempotent on `ClientToken`
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartChatContact.html:
 * ChatDurationInMinutes 60 to 10,080, default 1,500; a parameter it cannot
 * take is InvalidParameterException), and `POST /contact/start-streaming`
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartContactStreaming.html).
 */
export const connectChatResponder =
  (chats: LocalChats) =>
  ({ method, path, json }: RecordedRequest): Reply => {
    const body = (json ?? {}) as Record<string, unknown>;
    if (method === 'PUT' && path === '/contact/chat') {
      const details = body.ParticipantDetails as { DisplayName?: unknown };
      if (
        typeof body.InstanceId !== 'string' ||
        typeof body.ContactFlowId !== 'string' ||
        typeof details?.DisplayName !== 'string'
      ) {
        return awsError(400, 'InvalidRequestException', MISSING[path]);
      }
      const minutes = body.ChatDurationInMinutes;
      if (
        minutes !== undefined &&
        (typeof minutes !== 'number' || minutes < 60 || minutes > 10_080)
      ) {
        return awsError(
          400,
          'InvalidRequestException',
          'ChatDurationInMinutes must be 60 to 10080'
        );
      }
      const initial = body.InitialMessage as
        | { ContentType?: unknown; Content?: unknown }
        | undefined;
      const problem =
        initial && chatTextProblem(initial.ContentType, initial.Content);
      if (problem) return awsError(400, 'InvalidParameterException', problem);
      const clientToken =
        typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
      const chat = chats.open(body, clientToken);
      return {
        status: 200,
        body: {
          ContactId: chat.contactId,
          ParticipantId: chat.participantId,
          ParticipantToken: chat.participantToken,
        },
      };
    }
    if (method === 'POST' && path === '/contact/start-streaming') {
      const config = body.ChatStreamingConfiguration as {
        StreamingEndpointArn?: unknown;
      };
      const arn = config?.StreamingEndpointArn;
      if (
        typeof body.InstanceId !== 'string' ||
        typeof body.ContactId !== 'string' ||
        typeof arn !== 'string'
      ) {
        return awsError(400, 'InvalidParameterException', MISSING[path]);
      }
      const chat = chats.list().find((c) => c.contactId === body.ContactId);
      if (!chat) {
        return awsError(404, 'ResourceNotFoundException', 'no such contact');
      }
      if (!chat.streamingEndpoints.includes(arn)) {
        if (chat.streamingEndpoints.length >= 2) {
          return awsError(
            429,
            'LimitExceededException',
            'at most two streaming endpoints per contact'
          );
        }
        chat.streamingEndpoints.push(arn);
      }
      return { status: 200, body: { StreamingId: `stream-${chat.contactId}` } };
    }
    return awsError(404, 'ResourceNotFoundException', 'no such route');
  };

/** The inputs of one Connect chat route among what an endpoint recorded. */
export const connectChatCalls = (
  requests: readonly RecordedRequest[],
  route: '/contact/chat' | '/contact/start-streaming'
) =>
  requests
    .filter((r) => r.path === route)
    .map((r) => r.json as Record<string, unknown>);
