import { randomUUID } from 'node:crypto';
import type { SendChatIntegrationEventRequest } from '@aws-sdk/client-connect';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/**
 * Why Connect would refuse this chat content: `text/plain` and
 * `text/markdown` take 1 to 1,024 characters (ChatEvent.Content follows
 * SendMessage's rules):
 * https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_SendMessage.html
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatMessage.html
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatEvent.html
 * AWS does not say whether a character is a UTF-16 code unit or a code
 * point; counting code units is the stricter, so it holds either way.
 */
export const chatTextProblem = (
  contentType: unknown,
  content: unknown
): string | undefined => {
  if (typeof content !== 'string' || content === '') {
    return 'Content is required';
  }
  const type = String(contentType);
  if (['text/plain', 'text/markdown'].includes(type) && content.length > 1024) {
    return `Content of type ${type} must be at most 1024 characters`;
  }
  return undefined;
};

/**
 * Amazon Connect's `POST /chat-integration-event`: a new chat for the first
 * text of a customer, the same chat after. A request it cannot take is
 * 400 `InvalidRequestException`, the one client error the API documents
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_SendChatIntegrationEvent.html).
 */
export const connectResponder = () => {
  const chats = new Map<string, string>();
  return ({ method, path, json }: RecordedRequest): Reply => {
    if (method !== 'POST' || path !== '/chat-integration-event') {
      return awsError(404, 'ResourceNotFoundException', 'no such route');
    }
    const body = json as Partial<SendChatIntegrationEventRequest> | undefined;
    const event = body?.Event;
    if (!body?.SourceId || !body.DestinationId || !event?.Type) {
      return awsError(400, 'InvalidRequestException');
    }
    const problem =
      event.Type === 'MESSAGE'
        ? chatTextProblem(event.ContentType, event.Content)
        : undefined;
    if (problem !== undefined) {
      return awsError(400, 'InvalidRequestException', problem);
    }
    const chat = `${body.SourceId}|${body.DestinationId}|${body.Subtype ?? ''}`;
    const existing = chats.get(chat);
    if (event.Type === 'DISCONNECT') chats.delete(chat);
    else if (existing === undefined) {
      // A contact id is a UUID and never reused, even after a chat ends.
      const contactId = randomUUID();
      chats.set(chat, contactId);
      return {
        status: 200,
        body: { InitialContactId: contactId, NewChatCreated: true },
      };
    }
    return {
      status: 200,
      body: {
        ...(existing === undefined ? {} : { InitialContactId: existing }),
        NewChatCreated: false,
      },
    };
  };
};
