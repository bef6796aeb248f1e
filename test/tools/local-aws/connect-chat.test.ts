import {
  ConnectClient,
  StartChatContactCommand,
  type StartChatContactCommandInput,
} from '@aws-sdk/client-connect';
import {
  connectChatResponder,
  type LocalChats,
  localChats,
} from '../../../tools/local-aws/connect-chat';
import {
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../../tools/local-aws/endpoint';
import { standInClientConfig } from '../../support/stand-in-client';

let endpoint: LocalEndpoint;
let chats: LocalChats;
let client: ConnectClient;

beforeAll(async () => {
  endpoint = await startLocalEndpoint((request) =>
    connectChatResponder(chats)(request)
  );
  client = new ConnectClient(standInClientConfig(endpoint.url));
});
beforeEach(() => {
  chats = localChats();
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const startChat = (input: Partial<StartChatContactCommandInput> = {}) =>
  client.send(
    new StartChatContactCommand({
      InstanceId: '11111111-2222-3333-4444-555555555555',
      ContactFlowId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      ParticipantDetails: { DisplayName: 'Customer' },
      ...input,
    })
  );

describe('local Connect StartChatContact', () => {
  it('answers a repeated ClientToken with the chat it opened', async () => {
    // Prepare
    const first = await startChat({ ClientToken: 'text-1' });

    // Act
    const again = await startChat({ ClientToken: 'text-1' });

    // Assess
    expect({ contact: again.ContactId, chats: chats.list().length }).toEqual({
      contact: first.ContactId,
      chats: 1,
    });
  });

  it.each([59, 10_081])(
    'refuses a ChatDurationInMinutes of %p with InvalidRequestException',
    async (minutes) => {
      // Act
      const error = await startChat({ ChatDurationInMinutes: minutes }).then(
        () => 'no error',
        (failure: { name: string }) => failure.name
      );

      // Assess
      expect(error).toBe('InvalidRequestException');
    }
  );

  it('ends a chat after its ChatDurationInMinutes', async () => {
    // Prepare
    const { ContactId } = await startChat({ ChatDurationInMinutes: 60 });
    const chat = chats.list().find((c) => c.contactId === ContactId);

    // Act
    chats.clock.advance(60 * 60 * 1000);

    // Assess
    expect(chat?.ended).toBe(true);
  });
});
