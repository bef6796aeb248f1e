import { randomBytes } from 'node:crypto';
import { chatTextProblem } from './chat-content';
import type {
  LocalChat,
  LocalChats,
  LocalConnection,
  TranscriptItem,
} from './connect-chat';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/**
 * "Expiry time for the connection token is 1 day" (CreateParticipantConnection
 * API reference).
 */
export const CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** GetTranscript's `MaxResults`: default 10, at most 100. */
const DEFAULT_TRANSCRIPT_PAGE = 10;
const MAX_TRANSCRIPT_PAGE = 100;

/**
 * The Amazon Connect Participant Service (REST-JSON), with the documented
 * lifetimes on the chats' clock. The customer's token travels in the
 * `X-Amz-Bearer` header: the participant token for
 * `CreateParticipantConnection` (`POST /participant/connection`), valid for
 * the participant's lifetime, that is until the chat ends; a connection
 * token, valid for a day, for `SendMessage` (`POST /participant/message`),
 * `DisconnectParticipant` (`POST /participant/disconnect`) and
 * `GetTranscript` (`POST /participant/transcript`). A chat that is over,
 * or an expired connection token, is answered 403 `AccessDeniedException`,
 * as the service does. The transcript of a chat that is over can still be
 * read with a connection token that has not expired. A message it cannot
 * take (none, or text over Connect's limit) is answered 400
 * `ValidationException`, the client error SendMessage documents.
 */
export const participantResponder = (chats: LocalChats) => {
  const answered = new Map<string, Reply>();
  const denied = () =>
    awsError(403, 'AccessDeniedException', 'You do not have sufficient access');
  const now = () => chats.clock.now();

  /** The chat and connection of an unexpired connection token. */
  const connected = (
    token: string
  ): { chat: LocalChat; connection: LocalConnection } | undefined => {
    const chat = chats.byConnectionToken(token);
    const connection = chat?.connections.find((c) => c.token === token);
    if (!chat || !connection || now() >= connection.expiresAt) return undefined;
    return { chat, connection };
  };
  /** The chat of an unexpired connection token, if it is not over. */
  const live = (token: string) => {
    const found = connected(token);
    return found && !found.chat.ended ? found.chat : undefined;
  };

  const routes: Record<
    string,
    (token: string, body: Record<string, unknown>) => Reply
  > = {
    '/participant/connection': (token, body) => {
      const chat = chats.byParticipantToken(token);
      if (!chat || chat.ended) return denied();
      const types = Array.isArray(body.Type) ? body.Type : [];
      if (types.length === 0 && body.ConnectParticipant !== true) {
        return awsError(400, 'ValidationException', 'Type is required');
      }
      const expiresAt = now() + CONNECTION_LIFETIME_MS;
      const expiry = new Date(expiresAt).toISOString();
      const reply: Record<string, unknown> = {};
      if (types.includes('CONNECTION_CREDENTIALS')) {
        const connectionToken = randomBytes(32).toString('base64url');
        chat.connectionTokens.push(connectionToken);
        chat.connections.push({ token: connectionToken, expiresAt });
        reply.ConnectionCredentials = {
          ConnectionToken: connectionToken,
          Expiry: expiry,
        };
      }
      if (types.includes('WEBSOCKET')) {
        reply.Websocket = {
          Url: `wss://127.0.0.1/chat/${chat.contactId}`,
          ConnectionExpiry: expiry,
        };
      }
      return { status: 200, body: reply };
    },
    '/participant/message': (token, body) => {
      const chat = live(token);
      if (!chat) return denied();
      if (typeof body.ContentType !== 'string') {
        return awsError(400, 'ValidationException', 'ContentType is required');
      }
      const problem = chatTextProblem(body.ContentType, body.Content);
      if (problem !== undefined) {
        return awsError(400, 'ValidationException', problem);
      }
      const item = chats.sayAsCustomer(
        chat,
        body.ContentType,
        String(body.Content)
      );
      return {
        status: 200,
        body: { Id: item.Id, AbsoluteTime: item.AbsoluteTime },
      };
    },
    '/participant/disconnect': (token) => {
      const chat = live(token);
      if (!chat) return denied();
      chat.customerDisconnected = true;
      chats.addItem(chat, {
        Type: 'EVENT',
        ContentType: 'application/vnd.amazonaws.connect.event.participant.left',
        ParticipantId: chat.participantId,
        DisplayName: 'Customer',
        ParticipantRole: 'CUSTOMER',
        visibility: 'ALL',
      });
      chat.ended = true;
      return { status: 200, body: {} };
    },
    '/participant/transcript': (token, body) => {
      const found = connected(token);
      if (!found) return denied();
      return transcriptPage(found.chat, body);
    },
  };

  return (request: RecordedRequest): Reply => {
    const route = request.method === 'POST' ? routes[request.path] : undefined;
    if (!route) return awsError(404, 'ResourceNotFoundException', 'no route');
    const token = request.headers['x-amz-bearer'];
    if (typeof token !== 'string' || token === '') {
      return awsError(400, 'ValidationException', 'X-Amz-Bearer is required');
    }
    const body = (request.json ?? {}) as Record<string, unknown>;
    // A repeated client token gets the first answer, as the service does.
    const clientToken =
      typeof body.ClientToken === 'string'
        ? `${request.path} ${body.ClientToken}`
        : undefined;
    const earlier = clientToken && answered.get(clientToken);
    if (earlier) return earlier;
    const reply = route(token, body);
    if (clientToken && 'status' in reply && reply.status === 200) {
      answered.set(clientToken, reply);
    }
    return reply;
  };
};

/**
 * One page of `GetTranscript`, as the customer sees the chat: items meant
 * for the agent alone are left out. Without `StartPosition` the service
 * scans `BACKWARD` from the newest item; `SortOrder` (default
 * `DESCENDING`) orders the page; `NextToken` goes on further back.
 */
const transcriptPage = (
  chat: LocalChat,
  body: Record<string, unknown>
): Reply => {
  if (body.StartPosition !== undefined) {
    return awsError(
      400,
      'ValidationException',
      'the local participant service reads transcripts without StartPosition'
    );
  }
  if (body.ScanDirection !== undefined && body.ScanDirection !== 'BACKWARD') {
    return awsError(
      400,
      'ValidationException',
      'without StartPosition the local participant service scans BACKWARD'
    );
  }
  const size = body.MaxResults ?? DEFAULT_TRANSCRIPT_PAGE;
  if (typeof size !== 'number' || size < 0 || size > MAX_TRANSCRIPT_PAGE) {
    return awsError(400, 'ValidationException', 'MaxResults is 0 to 100');
  }
  const visible = chat.transcript.filter(
    (item: TranscriptItem) =>
      item.visibility !== 'AGENT' || item.ParticipantRole === 'CUSTOMER'
  );
  const end =
    typeof body.NextToken === 'string'
      ? Number(Buffer.from(body.NextToken, 'base64url').toString('utf8'))
      : visible.length;
  if (!Number.isInteger(end) || end < 0 || end > visible.length) {
    return awsError(400, 'ValidationException', 'NextToken is not valid');
  }
  const start = Math.max(0, end - size);
  const page = visible
    .slice(start, end)
    .map(({ visibility: _shownTo, ...item }) => item);
  if (body.SortOrder !== 'ASCENDING') page.reverse();
  return {
    status: 200,
    body: {
      InitialContactId: chat.contactId,
      Transcript: page,
      ...(start > 0
        ? {
            NextToken: Buffer.from(String(start), 'utf8').toString('base64url'),
          }
        : {}),
    },
  };
};

/** The calls of one participant route among what an endpoint recorded. */
export const participantCalls = (
  requests: readonly RecordedRequest[],
  route:
    | '/participant/connection'
    | '/participant/message'
    | '/participant/disconnect'
    | '/participant/transcript'
) =>
  requests
    .filter((r) => r.path === route)
    .map((r) => ({
      bearer: r.headers['x-amz-bearer'],
      body: r.json as Record<string, unknown>,
    }));
