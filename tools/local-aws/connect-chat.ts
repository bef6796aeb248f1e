import { randomBytes, randomUUID } from 'node:crypto';
import { chatTextProblem } from './chat-content';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/**
 * Connect's default chat duration (StartChatContact `ChatDurationInMinutes`,
 * 60 to 10,080, default 1,500):
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_StartChatContact.html
 */
export const DEFAULT_CHAT_DURATION_MINUTES = 1500;

/**
 * The local services' own time, which a test moves forward to let a day
 * pass (a connection token expire, a chat reach its duration) without
 * waiting. The functions under test keep their own clock.
 */
export interface LocalClock {
  /** Epoch milliseconds, as the local services see it. */
  now(): number;
  /** Moves the local services' time forward (or back). */
  advance(ms: number): void;
}

export const localClock = (start: () => number = Date.now): LocalClock => {
  let offset = 0;
  return {
    now: () => start() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
};

export type ChatRole =
  | 'AGENT'
  | 'CUSTOMER'
  | 'SYSTEM'
  | 'CUSTOM_BOT'
  | 'SUPERVISOR';

/** Who may see an item, as streaming's `MessageVisibility` says. */
export type Visibility = 'CUSTOMER' | 'AGENT' | 'ALL';

/** One item of a chat's transcript (a participant service `Item`). */
export interface TranscriptItem {
  readonly Id: string;
  readonly AbsoluteTime: string;
  readonly Type: 'MESSAGE' | 'EVENT';
  readonly ContentType: string;
  readonly Content?: string;
  readonly ParticipantId?: string;
  readonly DisplayName?: string;
  readonly ParticipantRole?: ChatRole;
  readonly ContactId: string;
  /** Not on the wire: who the participant service shows the item to. */
  readonly visibility: Visibility;
}

/** What a contact flow writes to the chat before streaming can start. */
export interface FlowMessage {
  readonly content: string;
  /** @default 'SYSTEM' */
  readonly role?: Exclude<ChatRole, 'CUSTOMER'>;
  /** @default 'ALL' */
  readonly visibility?: Visibility;
  /** @default 'text/plain' */
  readonly contentType?: string;
  /** @default - a fresh id */
  readonly id?: string;
}

/** How a local contact flow treats each chat that starts in it. */
export interface LocalFlow {
  /**
   * Messages the flow writes as the chat starts (a greeting, an
   * out-of-hours notice, a queue position): they are in the transcript,
   * and never streamed, since streaming starts after them.
   */
  readonly says?: readonly FlowMessage[];
  /** The flow ends the chat at once, after what it says. */
  readonly endsChat?: boolean;
}

/** A connection token `CreateParticipantConnection` issued. */
export interface LocalConnection {
  readonly token: string;
  /** Epoch milliseconds on the local clock. */
  readonly expiresAt: number;
}

/** One chat as the local Connect and participant service know it. */
export interface LocalChat {
  readonly contactId: string;
  readonly participantId: string;
  readonly participantToken: string;
  /** The `StartChatContact` input that opened it. */
  readonly start: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds on the local clock. */
  readonly startedAt: number;
  /** When the chat reaches its duration and ends, on the local clock. */
  readonly endsAt: number;
  /** `StreamingEndpointArn`s, in the order streaming was started. */
  readonly streamingEndpoints: string[];
  /** Issued by `CreateParticipantConnection`, newest last. */
  readonly connectionTokens: string[];
  /** The same tokens with their expiry. */
  readonly connections: LocalConnection[];
  /** What the customer said: the initial message, then each `SendMessage`. */
  readonly messages: { ContentType: string; Content: string }[];
  /** Everything said and done in the chat, oldest first. */
  readonly transcript: TranscriptItem[];
  /**
   * Over: ended by an agent or its flow, past its duration, or the
   * customer disconnected. Setting it ends the chat.
   */
  ended: boolean;
  customerDisconnected: boolean;
}

const CHAT_ENDED = 'application/vnd.amazonaws.connect.event.chat.ended';

/**
 * The chats that the local Connect (`connectChatResponder`) opens and the
 * local participant service (`participantResponder`) talks to. Tests read
 * them, end them (`end`) as an agent would, script the flows they start in
 * (`setFlow`), and move their `clock` to let them expire.
 */
export const localChats = (clock: LocalClock = localClock()) => {
  const chats = new Map<string, LocalChat>();
  const byClientToken = new Map<string, LocalChat>();
  const flows = new Map<string, LocalFlow>();
  const find = (predicate: (chat: LocalChat) => boolean) =>
    [...chats.values()].find(predicate);

  const addItem = (
    chat: LocalChat,
    item: Omit<TranscriptItem, 'Id' | 'AbsoluteTime' | 'ContactId'> & {
      readonly Id?: string;
    }
  ): TranscriptItem => {
    const added: TranscriptItem = {
      ...item,
      Id: item.Id ?? randomUUID(),
      AbsoluteTime: new Date(clock.now()).toISOString(),
      ContactId: chat.contactId,
    };
    chat.transcript.push(added);
    return added;
  };

  const open = (
    start: Record<string, unknown>,
    clientToken?: string
  ): LocalChat => {
    const initial = start.InitialMessage as
      | { ContentType?: string; Content?: string }
      | undefined;
    const minutes =
      typeof start.ChatDurationInMinutes === 'number'
        ? start.ChatDurationInMinutes
        : DEFAULT_CHAT_DURATION_MINUTES;
    const startedAt = clock.now();
    let endedNow = false;
    const chat: LocalChat = {
      contactId: randomUUID(),
      participantId: randomUUID(),
      participantToken: randomBytes(24).toString('base64url'),
      start,
      startedAt,
      endsAt: startedAt + minutes * 60_000,
      streamingEndpoints: [],
      connectionTokens: [],
      connections: [],
      messages: [],
      transcript: [],
      get ended() {
        return endedNow || clock.now() >= this.endsAt;
      },
      set ended(value: boolean) {
        if (value && !endedNow && clock.now() < this.endsAt) {
          endedNow = true;
          addItem(this, {
            Type: 'EVENT',
            ContentType: CHAT_ENDED,
            ParticipantRole: 'SYSTEM',
            visibility: 'ALL',
          });
        }
      },
      customerDisconnected: false,
    };
    chats.set(chat.contactId, chat);
    if (clientToken !== undefined) byClientToken.set(clientToken, chat);
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

  /** The customer says something: in `messages` and the transcript. */
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

  return {
    clock,
    list: (): LocalChat[] => [...chats.values()],
    get: (contactId: string) => chats.get(contactId),
    byParticipantToken: (token: string) =>
      find((chat) => chat.participantToken === token),
    byConnectionToken: (token: string) =>
      find((chat) => chat.connectionTokens.includes(token)),
    /** The chat a client token already opened, if any. */
    byClientToken: (token: string) => byClientToken.get(token),
    open,
    sayAsCustomer,
    /** Adds an item to a chat's transcript, as its time on the clock. */
    addItem,
    /** Chats that start in this flow from now on meet `flow`. */
    setFlow: (contactFlowId: string, flow: LocalFlow | undefined): void => {
      if (flow === undefined) flows.delete(contactFlowId);
      else flows.set(contactFlowId, flow);
    },
    /** Ends a chat as an agent, a flow or its expiry would. */
    end: (contactId: string): void => {
      const chat = chats.get(contactId);
      if (chat) chat.ended = true;
    },
  };
};

export type LocalChats = ReturnType<typeof localChats>;

/**
 * Amazon Connect's REST-JSON chat routes: `StartChatContact`
 * (`PUT /contact/chat`, idempotent on `ClientToken` as the service is) and
 * `StartContactStreaming` (`POST /contact/start-streaming`). An initial
 * message over Connect's text limit is refused with 400
 * `InvalidParameterException`, as StartChatContact documents for a
 * parameter it cannot take
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartChatContact.html).
 */
export const connectChatResponder =
  (chats: LocalChats) =>
  (request: RecordedRequest): Reply => {
    const body = (request.json ?? {}) as Record<string, unknown>;
    if (request.method === 'PUT' && request.path === '/contact/chat') {
      return startChatContact(chats, body);
    }
    if (
      request.method === 'POST' &&
      request.path === '/contact/start-streaming'
    ) {
      return startContactStreaming(chats, body);
    }
    return awsError(404, 'ResourceNotFoundException', 'no such route');
  };

const startChatContact = (
  chats: LocalChats,
  body: Record<string, unknown>
): Reply => {
  const details = body.ParticipantDetails as
    | { DisplayName?: unknown }
    | undefined;
  if (
    typeof body.InstanceId !== 'string' ||
    typeof body.ContactFlowId !== 'string' ||
    typeof details?.DisplayName !== 'string'
  ) {
    return awsError(
      400,
      'InvalidRequestException',
      'InstanceId, ContactFlowId and ParticipantDetails.DisplayName are required'
    );
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
    initial === undefined
      ? undefined
      : chatTextProblem(initial.ContentType, initial.Content);
  if (problem !== undefined) {
    return awsError(400, 'InvalidParameterException', problem);
  }
  const clientToken =
    typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
  const chat =
    (clientToken === undefined
      ? undefined
      : chats.byClientToken(clientToken)) ?? chats.open(body, clientToken);
  return {
    status: 200,
    body: {
      ContactId: chat.contactId,
      ParticipantId: chat.participantId,
      ParticipantToken: chat.participantToken,
    },
  };
};

const startContactStreaming = (
  chats: LocalChats,
  body: Record<string, unknown>
): Reply => {
  const config = body.ChatStreamingConfiguration as
    | { StreamingEndpointArn?: unknown }
    | undefined;
  const arn = config?.StreamingEndpointArn;
  if (
    typeof body.InstanceId !== 'string' ||
    typeof body.ContactId !== 'string' ||
    typeof arn !== 'string'
  ) {
    return awsError(
      400,
      'InvalidParameterException',
      'InstanceId, ContactId and ChatStreamingConfiguration are required'
    );
  }
  const chat = chats.get(body.ContactId);
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
};

/** The inputs of one Connect chat route among what an endpoint recorded. */
export const connectChatCalls = (
  requests: readonly RecordedRequest[],
  route: '/contact/chat' | '/contact/start-streaming'
) =>
  requests
    .filter((r) => r.path === route)
    .map((r) => r.json as Record<string, unknown>);
