import {
  ConnectClient,
  SendChatIntegrationEventCommand,
} from '@aws-sdk/client-connect';
import {
  ConnectParticipantClient,
  CreateParticipantConnectionCommand,
  DisconnectParticipantCommand,
} from '@aws-sdk/client-connectparticipant';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSweepConfig } from '../../../lambda/opt-out-sweep/config';
import { endByIntegrationEvent } from '../../../lambda/opt-out-sweep/end-by-integration-event';
import {
  ChatOpeningError,
  endByParticipant,
} from '../../../lambda/opt-out-sweep/end-by-participant';
import type {
  Session,
  SessionStore,
} from '../../../lambda/participant/session-store';
import { UndeliverableError } from '../../../lambda/shared/undeliverable';

const CUSTOMER = '+14255550182';
const BRIDGE_NUMBER = '+12065550100';
const BRIDGE_NUMBER_ARN =
  'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef';
const CHAT = {
  customerNumber: CUSTOMER,
  bridgeNumber: BRIDGE_NUMBER,
  clientToken: 'f'.repeat(64),
};
const CONFIG = loadSweepConfig({
  OPT_OUT_LIST_NAME: 'Default',
  PHONE_NUMBERS: JSON.stringify({ [BRIDGE_NUMBER]: BRIDGE_NUMBER_ARN }),
  CHAT_SUBTYPE: 'connect:sms',
  SWEEP_STATE_TABLE_NAME: 'SmsConnectBridge-IdempotencyTable',
});

describe('ending a chat for the sweep', () => {
  describe('in integration-event mode', () => {
    const connect = mockClient(ConnectClient);

    beforeEach(() => {
      connect.reset();
    });

    it('sends the DISCONNECT event a STOP text sends, with no new session', async () => {
      // Prepare
      connect
        .on(SendChatIntegrationEventCommand)
        .resolves({ InitialContactId: 'contact-1', NewChatCreated: false });

      // Act
      const ending = await endByIntegrationEvent(
        new ConnectClient({ region: 'us-east-1' }),
        CONFIG
      )(CHAT);

      // Assess
      expect({
        ending,
        request: connect.commandCalls(SendChatIntegrationEventCommand)[0]
          ?.args[0].input,
      }).toEqual({
        ending: { contactId: 'contact-1' },
        request: {
          SourceId: CUSTOMER,
          DestinationId: BRIDGE_NUMBER_ARN,
          Subtype: 'connect:sms',
          Event: { Type: 'DISCONNECT' },
        },
      });
    });

    it('reports no contact when Connect names none', async () => {
      // Prepare
      connect
        .on(SendChatIntegrationEventCommand)
        .resolves({ NewChatCreated: false });

      // Act
      const ending = await endByIntegrationEvent(
        new ConnectClient({ region: 'us-east-1' }),
        CONFIG
      )(CHAT);

      // Assess
      expect(ending).toEqual({});
    });

    it('makes a 400 from Connect a permanent failure', async () => {
      // Prepare
      connect.on(SendChatIntegrationEventCommand).rejects(
        Object.assign(new Error('bad'), {
          name: 'InvalidRequestException',
          $metadata: { httpStatusCode: 400 },
        })
      );

      // Act
      const ending = endByIntegrationEvent(
        new ConnectClient({ region: 'us-east-1' }),
        CONFIG
      )(CHAT);

      // Assess
      await expect(ending).rejects.toBeInstanceOf(UndeliverableError);
    });
  });

  describe('in participant mode', () => {
    const participant = mockClient(ConnectParticipantClient);

    beforeEach(() => {
      participant.reset();
      participant.on(DisconnectParticipantCommand).resolves({});
    });

    /** A session table that holds `session` and records what is removed. */
    const sessionsWith = (session: Session | undefined) => {
      const removed: string[] = [];
      const store = {
        getSession: async () => session,
        remove: async (_key: string, contactId: string) => {
          removed.push(contactId);
          return true;
        },
        endContact: async () => undefined,
        renewConnection: async () => true,
      } as unknown as SessionStore;
      return { store, removed };
    };

    const end = (session: Session | undefined) => {
      const sessions = sessionsWith(session);
      return {
        removed: sessions.removed,
        ending: endByParticipant({
          participant: new ConnectParticipantClient({ region: 'us-east-1' }),
          sessions: sessions.store,
          subtype: 'connect:sms',
        })(CHAT),
      };
    };

    it('disconnects the customer from an active chat with the marker as client token', async () => {
      // Act
      const { ending, removed } = end({
        state: 'active',
        contactId: 'contact-1',
        connectionToken: 'connection-token',
      });

      // Assess
      expect({
        ending: await ending,
        removed,
        disconnect: participant.commandCalls(DisconnectParticipantCommand)[0]
          ?.args[0].input,
      }).toEqual({
        ending: { contactId: 'contact-1' },
        removed: ['contact-1'],
        disconnect: {
          ConnectionToken: 'connection-token',
          ClientToken: CHAT.clientToken,
        },
      });
    });

    it('renews an expired connection with the participant token before it disconnects the customer', async () => {
      // Prepare: the customer opted out more than a day into the chat
      participant.on(CreateParticipantConnectionCommand).resolves({
        ConnectionCredentials: {
          ConnectionToken: 'renewed-token',
          Expiry: new Date(Date.now() + 86_400_000).toISOString(),
        },
      });

      // Act
      const { ending } = end({
        state: 'active',
        contactId: 'contact-1',
        connectionToken: 'expired-token',
        connectionExpiresAt: Math.floor(Date.now() / 1000) - 60,
        participantToken: 'participant-token',
      });

      // Assess
      expect(await ending).toEqual({ contactId: 'contact-1' });
      expect(
        participant.commandCalls(CreateParticipantConnectionCommand)[0]?.args[0]
          .input.ParticipantToken
      ).toBe('participant-token');
      expect(
        participant.commandCalls(DisconnectParticipantCommand)[0]?.args[0].input
      ).toEqual({
        ConnectionToken: 'renewed-token',
        ClientToken: CHAT.clientToken,
      });
    });

    it('calls nothing when the customer has no chat with the number', async () => {
      // Act
      const { ending } = end(undefined);

      // Assess
      expect(await ending).toEqual({});
      expect(participant.calls()).toHaveLength(0);
    });

    it('leaves a chat a text is opening right now to the next run', async () => {
      // Act
      const { ending } = end({
        state: 'starting',
        claimedBy: 'inbound-message',
        claimedAt: Date.now(),
      });

      // Assess
      await expect(ending).rejects.toBeInstanceOf(ChatOpeningError);
    });
  });
});
