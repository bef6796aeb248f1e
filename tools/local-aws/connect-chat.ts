import { randomBytes, randomUUID } from 'node:crypto';
import { chatTextProblem } from './chat-content';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/** One chat as the local Connect and participant service know it. */
export interface LocalChat {
  readonly contactId: string;
  readonly participantId: string;
  readonly participantToken: string;
  /** The `StartChatContact` input that opened it. */
  readonly start: Readonly<Record<string, unknown>>;
  /** `StreamingEndpointArn`s, in the order streaming was started. */
  readonly streamingEndpoints: string[];
  /** Issued by `CreateParticipantConnection`, newest last. */
  readonly connectionTokens: string[];
  /** What the customer said: the initial message, then each `SendMessage`. */
  readonly messages: { ContentType: string; Content: string }[];
  /** Over: ended by an agent, expired, or the customer disconnected. */
  ended: boolean;
  customerDisconnected: boolean;
}

/**
 * The chats that the local Connect (`connectChatResponder`) opens and the
 * local participant service (`participantResponder`) talks to. Tests read
 * them and end them (`end`) as an agent or the chat's expiry would.
 */
export const localChats = () => {
  const chats = new Map<string, LocalChat>();
  const byClientToken = new Map<string, LocalChat>();
  const find = (predicate: (chat: LocalChat) => boolean) =>
    [...chats.values()].find(predicate);
  return {
    list: (): LocalChat[] => [...chats.values()],
    get: (contactId: string) => chats.get(contactId),
    byParticipantToken: (token: string) =>
      find((chat) => chat.participantToken === token),
    byConnectionToken: (token: string) =>
      find((chat) => chat.connectionTokens.includes(token)),
    /** The chat a client token already opened, if any. */
    byClientToken: (token: string) => byClientToken.get(token),
    open: (start: Record<string, unknown>, clientToken?: string): LocalChat => {
      const initial = start.InitialMessage as
        | { ContentType?: string; Content?: string }
        | undefined;
      const chat: LocalChat = {
        contactId: randomUUID(),
        participantId: randomUUID(),
        participantToken: randomBytes(24).toString('base64url'),
        start,
        streamingEndpoints: [],
        connectionTokens: [],
        messages:
          initial?.Content === undefined
            ? []
            : [
                {
                  ContentType: initial.ContentType ?? 'text/plain',
                  Content: initial.Content,
                },
              ],
        ended: false,
        customerDisconnected: false,
      };
      chats.set(chat.contactId, chat);
      if (clientToken !== undefined) byClientToken.set(clientToken, chat);
      return chat;
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
 * parameter it cannot take.
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
