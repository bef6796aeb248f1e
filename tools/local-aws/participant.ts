import { randomBytes, randomUUID } from 'node:crypto';
import { chatTextProblem } from './chat-content';
import type { LocalChat, LocalChats } from './connect-chat';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/** Connect's chat connection tokens last about a day. */
const CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * The Amazon Connect Participant Service (REST-JSON): the customer's
 * token travels in the `X-Amz-Bearer` header, the participant token for
 * `CreateParticipantConnection` (`POST /participant/connection`), the
 * connection token for `SendMessage` (`POST /participant/message`) and
 * `DisconnectParticipant` (`POST /participant/disconnect`). A chat that is
 * over answers 403 `AccessDeniedException`, as the service does, and a
 * message it cannot take (none, or text over Connect's limit) 400
 * `ValidationException`, the client error SendMessage documents.
 */
export const participantResponder = (chats: LocalChats) => {
  const answered = new Map<string, Reply>();
  const denied = () =>
    awsError(403, 'AccessDeniedException', 'You do not have sufficient access');

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
      const expiry = new Date(
        Date.now() + CONNECTION_LIFETIME_MS
      ).toISOString();
      const reply: Record<string, unknown> = {};
      if (types.includes('CONNECTION_CREDENTIALS')) {
        const connectionToken = randomBytes(32).toString('base64url');
        chat.connectionTokens.push(connectionToken);
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
      const chat = live(chats.byConnectionToken(token));
      if (!chat) return denied();
      if (typeof body.ContentType !== 'string') {
        return awsError(400, 'ValidationException', 'ContentType is required');
      }
      const problem = chatTextProblem(body.ContentType, body.Content);
      if (problem !== undefined) {
        return awsError(400, 'ValidationException', problem);
      }
      chat.messages.push({
        ContentType: body.ContentType,
        Content: String(body.Content),
      });
      return {
        status: 200,
        body: { Id: randomUUID(), AbsoluteTime: new Date().toISOString() },
      };
    },
    '/participant/disconnect': (token) => {
      const chat = live(chats.byConnectionToken(token));
      if (!chat) return denied();
      chat.customerDisconnected = true;
      chat.ended = true;
      return { status: 200, body: {} };
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

const live = (chat: LocalChat | undefined) =>
  chat && !chat.ended ? chat : undefined;

/** The calls of one participant route among what an endpoint recorded. */
export const participantCalls = (
  requests: readonly RecordedRequest[],
  route:
    | '/participant/connection'
    | '/participant/message'
    | '/participant/disconnect'
) =>
  requests
    .filter((r) => r.path === route)
    .map((r) => ({
      bearer: r.headers['x-amz-bearer'],
      body: r.json as Record<string, unknown>,
    }));
