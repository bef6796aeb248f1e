import { randomBytes, randomUUID } from 'node:crypto';
import type { Item, ParticipantRole } from '@aws-sdk/client-connectparticipant';
import { z } from 'zod';
import { chatTextProblem } from './connect';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/** `visibility` (streaming's `MessageVisibility`, default ALL) is not on the wire. */
type TranscriptItem = Item & {
  readonly visibility?: 'CUSTOMER' | 'AGENT' | 'ALL';
};

/** What a flow writes as a chat starts is never streamed (it comes first). */
interface LocalFlow {
  readonly says?: readonly {
    readonly content: string;
    readonly role?: ParticipantRole;
    readonly visibility?: TranscriptItem['visibility'];
    readonly contentType?: string;
    readonly id?: string;
  }[];
  readonly endsChat?: boolean;
}

const newChat = (
  start: Readonly<Record<string, unknown>>,
  clock: { now(): number }
) => {
  const startedAt = clock.now();
  const minutes = start.ChatDurationInMinutes;
  return {
    contactId: randomUUID(),
    participantId: randomUUID(),
    participantToken: randomBytes(24).toString('base64url'),
    start,
    startedAt,
    // ChatDurationInMinutes defaults to 1,500 (StartChatContact).
    endsAt: startedAt + (typeof minutes === 'number' ? minutes : 1500) * 60_000,
    streamingEndpoints: [] as string[],
    connections: [] as { token: string; expiresAt: number }[],
    messages: [] as { ContentType: string; Content: string }[],
    transcript: [] as TranscriptItem[],
    get ended(): boolean {
      return clock.now() >= this.endsAt;
    },
    customerDisconnected: false,
  };
};

export type LocalChat = ReturnType<typeof newChat>;

/** The chats; tests move `clock` on to let tokens and chats expire. */
export const localChats = () => {
  let offset = 0;
  const clock = {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      offset += ms;
    },
  };
  const chats: LocalChat[] = [];
  const flows = new Map<string, LocalFlow | undefined>();

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
    });
  };

  /** Ends a chat now, as the chat.ended event in its transcript says. */
  const end = (chat: LocalChat | undefined) => {
    if (!chat || chat.ended) return;
    chat.endsAt = clock.now();
    addItem(chat, {
      Type: 'EVENT',
      ContentType: 'application/vnd.amazonaws.connect.event.chat.ended',
      ParticipantRole: 'SYSTEM',
    });
  };

  const open = (start: Record<string, unknown>): LocalChat => {
    const { ClientToken } = start;
    const earlier = chats.find(
      (chat) => ClientToken && chat.start.ClientToken === ClientToken
    );
    if (earlier) return earlier;
    const chat = newChat(start, clock);
    chats.push(chat);
    const initial = start.InitialMessage as
      | { ContentType?: string; Content?: string }
      | undefined;
    if (initial?.Content !== undefined) {
      sayAsCustomer(chat, initial.ContentType ?? 'text/plain', initial.Content);
    }
    const flow = flows.get(String(start.ContactFlowId));
    for (const message of flow?.says ?? []) {
      addItem(chat, {
        Id: message.id ?? randomUUID(),
        Type: 'MESSAGE',
        ContentType: message.contentType ?? 'text/plain',
        Content: message.content,
        ParticipantId: randomUUID(),
        DisplayName: 'SYSTEM_MESSAGE',
        ParticipantRole: message.role ?? 'SYSTEM',
        visibility: message.visibility,
      });
    }
    if (flow?.endsChat) end(chat);
    return chat;
  };

  return {
    clock,
    list: (): LocalChat[] => [...chats],
    open,
    sayAsCustomer,
    addItem,
    setFlow: (contactFlowId: string, flow: LocalFlow | undefined) => {
      flows.set(contactFlowId, flow);
    },
    end: (contactId: string) =>
      end(chats.find((c) => c.contactId === contactId)),
  };
};

export type LocalChats = ReturnType<typeof localChats>;

const START_CHAT = z.looseObject({
  InstanceId: z.string(),
  ContactFlowId: z.string(),
  ParticipantDetails: z.object({ DisplayName: z.string() }),
  ChatDurationInMinutes: z.number().min(60).max(10_080).optional(),
  InitialMessage: z
    .object({ ContentType: z.unknown(), Content: z.unknown() })
    .optional(),
  ClientToken: z.string().optional(),
});

const START_STREAMING = z.object({
  InstanceId: z.string(),
  ContactId: z.string(),
  ChatStreamingConfiguration: z.object({ StreamingEndpointArn: z.string() }),
});

// https://docs.aws.amazon.com/connect/latest/APIReference/API_StartChatContact.html
// https://docs.aws.amazon.com/connect/latest/APIReference/API_StartContactStreaming.html
export const connectChatResponder =
  (chats: LocalChats) =>
  ({ method, path, json }: RecordedRequest): Reply => {
    if (method === 'PUT' && path === '/contact/chat') {
      const { data, error } = START_CHAT.safeParse(json);
      if (error) return awsError(400, 'InvalidRequestException', error.message);
      const initial = data.InitialMessage;
      const problem =
        initial && chatTextProblem(initial.ContentType, initial.Content);
      if (problem) return awsError(400, 'InvalidParameterException', problem);
      const chat = chats.open(data);
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
      const { data, error } = START_STREAMING.safeParse(json);
      if (error)
        return awsError(400, 'InvalidParameterException', error.message);
      const chat = chats.list().find((c) => c.contactId === data.ContactId);
      if (!chat)
        return awsError(404, 'ResourceNotFoundException', 'no contact');
      const arn = data.ChatStreamingConfiguration.StreamingEndpointArn;
      if (!chat.streamingEndpoints.includes(arn)) {
        chat.streamingEndpoints.push(arn);
      }
      return { status: 200, body: { StreamingId: `stream-${chat.contactId}` } };
    }
    return awsError(404, 'ResourceNotFoundException', 'no such route');
  };
