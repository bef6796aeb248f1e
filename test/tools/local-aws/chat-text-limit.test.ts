import { connectResponder } from '../../../tools/local-aws/connect';
import {
  connectChatResponder,
  localChats,
} from '../../../tools/local-aws/connect-chat';
import type { RecordedRequest, Reply } from '../../../tools/local-aws/endpoint';
import { participantResponder } from '../../../tools/local-aws/participant';

const request = (
  method: string,
  path: string,
  json: Record<string, unknown>,
  headers: Record<string, string> = {}
): RecordedRequest => ({
  method,
  path,
  headers,
  body: JSON.stringify(json),
  json,
});

const errorOf = (reply: Reply) =>
  'status' in reply
    ? {
        status: reply.status,
        type: (reply.body as { __type?: string } | undefined)?.__type,
      }
    : undefined;

/** 1,024 UTF-16 code units, in 512 emoji (512 code points). */
const EMOJI_AT_LIMIT = '😀'.repeat(512);

const integrationEvent = (content: string, contentType = 'text/plain') =>
  request('POST', '/chat-integration-event', {
    SourceId: '+14255550182',
    DestinationId: 'arn:aws:sms-voice:us-east-1:111122223333:phone-number/x',
    Subtype: 'connect:sms',
    Event: { Type: 'MESSAGE', ContentType: contentType, Content: content },
  });

const startChat = (content: string) =>
  request('PUT', '/contact/chat', {
    InstanceId: '11111111-2222-3333-4444-555555555555',
    ContactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    ParticipantDetails: { DisplayName: 'Customer' },
    InitialMessage: { ContentType: 'text/plain', Content: content },
  });

/** A chat with a connection, and the participant service that knows it. */
const connectedChat = () => {
  const chats = localChats();
  const chat = chats.open({});
  const respond = participantResponder(chats);
  // The connection as CreateParticipantConnection gives it, with its expiry.
  const connected = respond(
    request(
      'POST',
      '/participant/connection',
      { Type: ['CONNECTION_CREDENTIALS'], ConnectParticipant: true },
      { 'x-amz-bearer': chat.participantToken }
    )
  );
  const connectionToken =
    'body' in connected
      ? (
          connected.body as {
            ConnectionCredentials?: { ConnectionToken?: string };
          }
        ).ConnectionCredentials?.ConnectionToken
      : undefined;
  const send = (content: string, contentType = 'text/plain') =>
    respond(
      request(
        'POST',
        '/participant/message',
        { ContentType: contentType, Content: content },
        { 'x-amz-bearer': connectionToken ?? '' }
      )
    );
  return { chat, send };
};

describe('the local Connect services and the chat text limit', () => {
  it('take a SendChatIntegrationEvent message of 1,024 UTF-16 code units', () => {
    // Act
    const reply = connectResponder()(integrationEvent(EMOJI_AT_LIMIT));

    // Assess
    expect(errorOf(reply)?.status).toBe(200);
  });

  it.each([
    ['text/plain', 'a'.repeat(1025)],
    ['text/plain', `${EMOJI_AT_LIMIT}a`],
    ['text/markdown', 'a'.repeat(1025)],
  ])(
    'refuse a SendChatIntegrationEvent %s message over 1,024 with 400 InvalidRequestException',
    (contentType, content) => {
      // Act
      const reply = connectResponder()(integrationEvent(content, contentType));

      // Assess
      expect(errorOf(reply)).toEqual({
        status: 400,
        type: 'InvalidRequestException',
      });
    }
  );

  it('take a SendChatIntegrationEvent JSON message over 1,024', () => {
    // Act
    const reply = connectResponder()(
      integrationEvent(
        JSON.stringify({ a: 'a'.repeat(2000) }),
        'application/json'
      )
    );

    // Assess
    expect(errorOf(reply)?.status).toBe(200);
  });

  it('refuse a StartChatContact initial message over 1,024 with 400 InvalidParameterException', () => {
    // Prepare
    const chats = localChats();

    // Act
    const reply = connectChatResponder(chats)(startChat('a'.repeat(1025)));

    // Assess
    expect(errorOf(reply)).toEqual({
      status: 400,
      type: 'InvalidParameterException',
    });
    expect(chats.list()).toEqual([]);
  });

  it('open a chat whose initial message is 1,024 UTF-16 code units', () => {
    // Prepare
    const chats = localChats();

    // Act
    const reply = connectChatResponder(chats)(startChat(EMOJI_AT_LIMIT));

    // Assess
    expect(errorOf(reply)?.status).toBe(200);
    expect(chats.list()[0]?.messages).toEqual([
      { ContentType: 'text/plain', Content: EMOJI_AT_LIMIT },
    ]);
  });

  it('refuse a participant SendMessage over 1,024 with 400 ValidationException', () => {
    // Prepare
    const { chat, send } = connectedChat();

    // Act
    const reply = send(`${EMOJI_AT_LIMIT}a`);

    // Assess
    expect(errorOf(reply)).toEqual({
      status: 400,
      type: 'ValidationException',
    });
    expect(chat.messages).toEqual([]);
  });

  it('add a participant SendMessage of 1,024 UTF-16 code units to the chat', () => {
    // Prepare
    const { chat, send } = connectedChat();

    // Act
    const reply = send(EMOJI_AT_LIMIT);

    // Assess
    expect(errorOf(reply)?.status).toBe(200);
    expect(chat.messages).toEqual([
      { ContentType: 'text/plain', Content: EMOJI_AT_LIMIT },
    ]);
  });
});
