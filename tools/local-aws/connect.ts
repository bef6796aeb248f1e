import { randomUUID } from 'node:crypto';
import type { SendChatIntegrationEventRequest } from '@aws-sdk/client-connect';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

// 1 to 1,024 characters, here UTF-16 code units (AWS does not say which):
// https://docs.aws.amazon.com/connect-participant/latest/APIReference/API_SendMessage.html
// https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatMessage.html
// https://docs.aws.amazon.com/connect/latest/APIReference/API_ChatEvent.html
export const chatTextProblem = (
  contentType: unknown,
  content: unknown
): string | undefined => {
  if (typeof content !== 'string' || content === '') {
    return 'Content is required';
  }
  const text = contentType === 'text/plain' || contentType === 'text/markdown';
  if (text && content.length > 1024) return 'Content is over 1024 characters';
  return undefined;
};

// InvalidRequestException is the one client error the page lists:
// https://docs.aws.amazon.com/connect/latest/APIReference/API_SendChatIntegrationEvent.html
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
      event.Type === 'MESSAGE' &&
      chatTextProblem(event.ContentType, event.Content);
    if (problem) return awsError(400, 'InvalidRequestException', problem);
    const chat = `${body.SourceId}|${body.DestinationId}|${body.Subtype}`;
    const existing = chats.get(chat);
    if (event.Type === 'DISCONNECT') chats.delete(chat);
    // A contact id is a UUID and never reused, even after a chat ends.
    else if (existing === undefined) chats.set(chat, randomUUID());
    return {
      status: 200,
      body: {
        InitialContactId: existing ?? chats.get(chat),
        NewChatCreated: existing === undefined && event.Type !== 'DISCONNECT',
      },
    };
  };
};
