import { randomUUID } from 'node:crypto';
import { chatTextProblem } from './chat-content';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/**
 * Amazon Connect's REST-JSON answer to `POST /chat-integration-event`:
 * a new chat for the first text of a customer, the same chat after. A
 * message over Connect's text limit is refused with 400
 * `InvalidRequestException`, the one client error the API documents for
 * a request it cannot take
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_SendChatIntegrationEvent.html).
 */
export const connectResponder = () => {
  const chats = new Map<string, string>();
  return (request: RecordedRequest): Reply => {
    if (
      request.method !== 'POST' ||
      request.path !== '/chat-integration-event'
    ) {
      return awsError(404, 'ResourceNotFoundException', 'no such route');
    }
    const body = request.json as
      | {
          SourceId?: string;
          DestinationId?: string;
          Subtype?: string;
          Event?: { Type?: string; ContentType?: string; Content?: string };
        }
      | undefined;
    if (!body?.SourceId || !body.DestinationId || !body.Event?.Type) {
      return awsError(400, 'InvalidRequestException');
    }
    const problem =
      body.Event.Type === 'MESSAGE'
        ? chatTextProblem(body.Event.ContentType, body.Event.Content)
        : undefined;
    if (problem !== undefined) {
      return awsError(400, 'InvalidRequestException', problem);
    }
    const chat = `${body.SourceId}|${body.DestinationId}|${body.Subtype ?? ''}`;
    const existing = chats.get(chat);
    if (body.Event.Type === 'DISCONNECT') {
      chats.delete(chat);
      return {
        status: 200,
        body: existing
          ? { InitialContactId: existing, NewChatCreated: false }
          : { NewChatCreated: false },
      };
    }
    if (existing) {
      return {
        status: 200,
        body: { InitialContactId: existing, NewChatCreated: false },
      };
    }
    // A contact id is a UUID and never reused, even after a chat ends.
    const contactId = randomUUID();
    chats.set(chat, contactId);
    return {
      status: 200,
      body: { InitialContactId: contactId, NewChatCreated: true },
    };
  };
};

/** The chat-integration-event requests among those an endpoint recorded. */
export const chatIntegrationEvents = (requests: readonly RecordedRequest[]) =>
  requests
    .filter((r) => r.path === '/chat-integration-event')
    .map((r) => r.json as Record<string, unknown>);
