import {
  ConnectParticipantClient,
  CreateParticipantConnectionCommand,
  GetTranscriptCommand,
  SendMessageCommand,
} from '@aws-sdk/client-connectparticipant';
import {
  type LocalChats,
  localChats,
} from '../../../tools/local-aws/connect-chat';
import {
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../../tools/local-aws/endpoint';
import { participantResponder } from '../../../tools/local-aws/participant';
import { standInClientConfig } from '../../support/stand-in-client';

const HOUR_MS = 60 * 60 * 1000;
const FLOW_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

let endpoint: LocalEndpoint;
let chats: LocalChats;
let client: ConnectParticipantClient;

beforeAll(async () => {
  endpoint = await startLocalEndpoint((request) =>
    participantResponder(chats)(request)
  );
  client = new ConnectParticipantClient(standInClientConfig(endpoint.url));
});
beforeEach(() => {
  chats = localChats();
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const openChat = (initialMessage = 'Hello') =>
  chats.open({
    InstanceId: 'instance',
    ContactFlowId: FLOW_ID,
    ParticipantDetails: { DisplayName: 'Customer' },
    InitialMessage: { ContentType: 'text/plain', Content: initialMessage },
  });

const connect = (participantToken: string) =>
  client.send(
    new CreateParticipantConnectionCommand({
      ParticipantToken: participantToken,
      Type: ['CONNECTION_CREDENTIALS'],
      ConnectParticipant: true,
    })
  );

const send = (connectionToken: string, content: string) =>
  client.send(
    new SendMessageCommand({
      ConnectionToken: connectionToken,
      ContentType: 'text/plain',
      Content: content,
    })
  );

const transcript = (connectionToken: string) =>
  client.send(
    new GetTranscriptCommand({
      ConnectionToken: connectionToken,
      ScanDirection: 'BACKWARD',
      SortOrder: 'ASCENDING',
      MaxResults: 100,
    })
  );

const errorNameOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: { name: string }) => error.name
  );

describe('local Connect participant service', () => {
  it('issues a connection token that expires a day later', async () => {
    // Prepare
    const chat = openChat();

    // Act
    const connection = await connect(chat.participantToken);

    // Assess
    const expiry = Date.parse(connection.ConnectionCredentials?.Expiry ?? '');
    expect(expiry - chats.clock.now()).toBeGreaterThan(23 * HOUR_MS);
    expect(expiry - chats.clock.now()).toBeLessThanOrEqual(24 * HOUR_MS);
  });

  it('refuses a connection token a day after it was issued', async () => {
    // Prepare
    const chat = openChat();
    const connection = await connect(chat.participantToken);
    chats.clock.advance(24 * HOUR_MS);

    // Act
    const error = await errorNameOf(
      send(connection.ConnectionCredentials?.ConnectionToken ?? '', 'Hi')
    );

    // Assess
    expect(error).toBe('AccessDeniedException');
  });

  it('connects again with the participant token while the chat lasts', async () => {
    // Prepare
    const chat = openChat();
    await connect(chat.participantToken);
    chats.clock.advance(24 * HOUR_MS);

    // Act
    const renewed = await connect(chat.participantToken);
    await send(renewed.ConnectionCredentials?.ConnectionToken ?? '', 'Hi');

    // Assess
    expect(chat.messages.map((m) => m.Content)).toEqual(['Hello', 'Hi']);
  });

  it('refuses the participant token once the chat has reached its duration', async () => {
    // Prepare: the default duration is 1,500 minutes
    const chat = openChat();
    chats.clock.advance(25 * HOUR_MS);

    // Act
    const error = await errorNameOf(connect(chat.participantToken));

    // Assess
    expect(chat.ended).toBe(true);
    expect(error).toBe('AccessDeniedException');
  });

  it("shows what the flow said in the customer's transcript", async () => {
    // Prepare
    chats.setFlow(FLOW_ID, {
      says: [{ content: 'Thanks for texting us', id: 'greeting-1' }],
    });
    const chat = openChat('Where is my parcel?');
    const connection = await connect(chat.participantToken);

    // Act
    const read = await transcript(
      connection.ConnectionCredentials?.ConnectionToken ?? ''
    );

    // Assess
    expect(
      read.Transcript?.map((item) => [item.ParticipantRole, item.Content])
    ).toEqual([
      ['CUSTOMER', 'Where is my parcel?'],
      ['SYSTEM', 'Thanks for texting us'],
    ]);
    expect(read.Transcript?.[1]?.Id).toBe('greeting-1');
  });

  it("leaves what the flow meant for the agent out of the customer's transcript", async () => {
    // Prepare
    chats.setFlow(FLOW_ID, {
      says: [{ content: 'VIP customer', visibility: 'AGENT' }],
    });
    const chat = openChat();
    const connection = await connect(chat.participantToken);

    // Act
    const read = await transcript(
      connection.ConnectionCredentials?.ConnectionToken ?? ''
    );

    // Assess
    expect(read.Transcript?.map((item) => item.Content)).toEqual(['Hello']);
  });

  it('pages the transcript backward from the newest item', async () => {
    // Prepare
    const chat = openChat('1');
    const connection = await connect(chat.participantToken);
    const token = connection.ConnectionCredentials?.ConnectionToken ?? '';
    for (const content of ['2', '3']) await send(token, content);

    // Act
    const newest = await client.send(
      new GetTranscriptCommand({
        ConnectionToken: token,
        SortOrder: 'ASCENDING',
        MaxResults: 2,
      })
    );
    const older = await client.send(
      new GetTranscriptCommand({
        ConnectionToken: token,
        SortOrder: 'ASCENDING',
        MaxResults: 2,
        NextToken: newest.NextToken,
      })
    );

    // Assess
    expect(newest.Transcript?.map((item) => item.Content)).toEqual(['2', '3']);
    expect(older.Transcript?.map((item) => item.Content)).toEqual(['1']);
    expect(older.NextToken).toBeUndefined();
  });

  it('refuses a transcript page of more than 100 items', async () => {
    // Prepare
    const chat = openChat();
    const connection = await connect(chat.participantToken);

    // Act
    const error = await errorNameOf(
      client.send(
        new GetTranscriptCommand({
          ConnectionToken:
            connection.ConnectionCredentials?.ConnectionToken ?? '',
          MaxResults: 101,
        })
      )
    );

    // Assess
    expect(error).toBe('ValidationException');
  });

  it('ends the chat at once in a flow that ends it, so nobody can connect', async () => {
    // Prepare
    chats.setFlow(FLOW_ID, {
      says: [{ content: 'We are closed' }],
      endsChat: true,
    });

    // Act
    const chat = openChat();
    const error = await errorNameOf(connect(chat.participantToken));

    // Assess
    expect(chat.ended).toBe(true);
    expect(error).toBe('AccessDeniedException');
  });
});
