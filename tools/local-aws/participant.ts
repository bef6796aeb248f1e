import { randomBytes } from 'node:crypto';
import { chatTextProblem } from './connect';
import type { LocalChat, LocalChats } from './connect-chat';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

type Route = (chat: LocalChat, body: Record<string, unknown>) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
const invalid = (message: string) =>
  awsError(400, 'ValidationException', message);

/**
 * A participant token lasts as long as its chat, a connection token a day;
 * an ended chat or expired token is 403, but the transcript stays readable.
 * https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_CreateParticipantConnection.html
 * https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_SendMessage.html
 */
export const participantResponder = (chats: LocalChats) => {
  const answered = new Map<string, Reply>();

  const routes: Record<string, Route> = {
    // The bridge asks for credentials only, never for a websocket.
    '/participant/connection': (chat, { Type, ConnectParticipant }) => {
      const types = Array.isArray(Type) ? Type : [];
      if (types.length === 0 && ConnectParticipant !== true) {
        return invalid('Type is required');
      }
      if (!types.includes('CONNECTION_CREDENTIALS')) return ok({});
      const token = randomBytes(32).toString('base64url');
      const expiresAt = chats.clock.now() + 24 * 60 * 60 * 1000;
      chat.connections.push({ token, expiresAt });
      const Expiry = new Date(expiresAt).toISOString();
      return ok({ ConnectionCredentials: { ConnectionToken: token, Expiry } });
    },
    '/participant/message': (chat, { ContentType, Content }) => {
      if (typeof ContentType !== 'string') {
        return invalid('ContentType is required');
      }
      const problem = chatTextProblem(ContentType, Content);
      if (problem !== undefined) return invalid(problem);
      const item = chats.sayAsCustomer(chat, ContentType, String(Content));
      return ok({ Id: item.Id, AbsoluteTime: item.AbsoluteTime });
    },
    '/participant/disconnect': (chat) => {
      chat.customerDisconnected = true;
      chats.addItem(chat, {
        Type: 'EVENT',
        ContentType: 'application/vnd.amazonaws.connect.event.participant.left',
        ParticipantId: chat.participantId,
        DisplayName: 'Customer',
        ParticipantRole: 'CUSTOMER',
      });
      chats.end(chat.contactId);
      return ok({});
    },
    '/participant/transcript': transcriptPage,
  };

  return ({ method, path, headers, json }: RecordedRequest): Reply => {
    const answer = method === 'POST' ? routes[path] : undefined;
    if (!answer) return awsError(404, 'ResourceNotFoundException', 'no route');
    const token = headers['x-amz-bearer'];
    if (typeof token !== 'string' || token === '') {
      return invalid('X-Amz-Bearer is required');
    }
    const body = (json ?? {}) as Record<string, unknown>;
    // A repeated client token gets the first answer, as the service does.
    const clientToken =
      typeof body.ClientToken === 'string' && `${path} ${body.ClientToken}`;
    const earlier = clientToken && answered.get(clientToken);
    if (earlier) return earlier;
    const chat = chats
      .list()
      .find((candidate) =>
        path === '/participant/connection'
          ? candidate.participantToken === token
          : candidate.connections.some(
              (c) => c.token === token && chats.clock.now() < c.expiresAt
            )
      );
    const reply =
      !chat || (chat.ended && path !== '/participant/transcript')
        ? awsError(403, 'AccessDeniedException', 'You do not have access')
        : answer(chat, body);
    if (clientToken && 'status' in reply && reply.status === 200) {
      answered.set(clientToken, reply);
    }
    return reply;
  };
};

// The customer's view (no agent-only items) of
// https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_GetTranscript.html
const transcriptPage: Route = (chat, body) => {
  if (body.StartPosition || (body.ScanDirection ?? 'BACKWARD') !== 'BACKWARD') {
    return invalid('the local service reads back from the newest item only');
  }
  const size = body.MaxResults ?? 10;
  if (typeof size !== 'number' || size < 0 || size > 100) {
    return invalid('MaxResults is 0 to 100');
  }
  const visible = chat.transcript.filter(
    (item) => item.visibility !== 'AGENT' || item.ParticipantRole === 'CUSTOMER'
  );
  const end = body.NextToken ? Number(body.NextToken) : visible.length;
  if (!Number.isInteger(end) || end < 0 || end > visible.length) {
    return invalid('NextToken is not valid');
  }
  const start = Math.max(0, end - size);
  const page = visible.slice(start, end).map(({ visibility, ...item }) => item);
  if (body.SortOrder !== 'ASCENDING') page.reverse();
  return ok({
    InitialContactId: chat.contactId,
    Transcript: page,
    NextToken: start > 0 ? String(start) : undefined,
  });
};
