import type { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import {
  CONNECTION_TOKEN_LIFETIME_SECONDS,
  connectionExpiryOf,
  connectionHasExpired,
  withConnection,
} from '../../../lambda/participant/chat-connection';
import type { SessionStore } from '../../../lambda/participant/session-store';

const NOW = 1_800_000_000;

/** A participant service error as the SDK throws it. */
const serviceError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

/** A participant client that answers each call with the next answer. */
const participantAnswering = (...answers: unknown[]) => {
  const calls: { command: string; input: unknown }[] = [];
  const client = {
    send: async (command: {
      constructor: { name: string };
      input: unknown;
    }) => {
      calls.push({ command: command.constructor.name, input: command.input });
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as ConnectParticipantClient;
  return { client, calls };
};

const sessionsKeeping = () => {
  const kept: unknown[] = [];
  const sessions = {
    renewConnection: async (...args: unknown[]) => {
      kept.push(args);
      return true;
    },
  } as unknown as SessionStore;
  return { sessions, kept };
};

const CHAT = {
  sessionKey: 'session#+14255550182#+12065550100#connect:sms',
  contactId: 'contact-1',
  connectionToken: 'old-connection-token',
  participantToken: 'participant-token',
};

describe('connectionExpiryOf', () => {
  it("reads Connect's Expiry as epoch seconds", () => {
    // Act
    const expiry = connectionExpiryOf('2027-01-02T03:04:05.678Z', NOW);

    // Assess
    expect(expiry).toBe(Date.UTC(2027, 0, 2, 3, 4, 5) / 1000);
  });

  it('assumes the documented day when Connect names no expiry', () => {
    // Act
    const expiry = connectionExpiryOf(undefined, NOW);

    // Assess
    expect(expiry).toBe(NOW + CONNECTION_TOKEN_LIFETIME_SECONDS);
  });

  it('assumes the documented day when the expiry cannot be read', () => {
    // Act
    const expiry = connectionExpiryOf('tomorrow', NOW);

    // Assess
    expect(expiry).toBe(NOW + CONNECTION_TOKEN_LIFETIME_SECONDS);
  });
});

describe('connectionHasExpired', () => {
  it.each([
    ['an hour away', NOW + 3600, false],
    ['past', NOW - 1, true],
    ['now', NOW, true],
    ['less than a minute away', NOW + 30, true],
  ])('says a token whose expiry is %s is %s', (_, expiresAt, expired) => {
    // Act
    const result = connectionHasExpired(expiresAt, NOW);

    // Assess
    expect(result).toBe(expired);
  });

  it('tries a token of a session that kept no expiry as it is', () => {
    // Act
    const result = connectionHasExpired(undefined, NOW);

    // Assess
    expect(result).toBe(false);
  });
});

describe('withConnection', () => {
  it('renews a refused connection with the participant token and keeps the new token', async () => {
    // Prepare
    const participant = participantAnswering({
      ConnectionCredentials: {
        ConnectionToken: 'new-connection-token',
        Expiry: '2027-01-02T03:04:05.000Z',
      },
    });
    const { sessions, kept } = sessionsKeeping();
    const used: string[] = [];

    // Act
    const outcome = await withConnection(
      { participant: participant.client, sessions },
      CHAT,
      async (token) => {
        used.push(token);
        if (token === 'old-connection-token') {
          throw serviceError('AccessDeniedException', 403);
        }
        return 'sent';
      }
    );

    // Assess
    expect(outcome).toEqual({ chatGone: false, value: 'sent' });
    expect(used).toEqual(['old-connection-token', 'new-connection-token']);
    expect(kept).toEqual([
      [
        CHAT.sessionKey,
        CHAT.contactId,
        {
          connectionToken: 'new-connection-token',
          connectionExpiresAt: Date.UTC(2027, 0, 2, 3, 4, 5) / 1000,
        },
      ],
    ]);
  });

  it('finds the chat over when the participant token is refused too', async () => {
    // Prepare
    const participant = participantAnswering(
      serviceError('AccessDeniedException', 403)
    );
    const { sessions, kept } = sessionsKeeping();

    // Act
    const outcome = await withConnection(
      { participant: participant.client, sessions },
      CHAT,
      async () => {
        throw serviceError('AccessDeniedException', 403);
      }
    );

    // Assess
    expect(outcome).toEqual({ chatGone: true });
    expect(participant.calls.map((call) => call.input)).toEqual([
      {
        ParticipantToken: 'participant-token',
        Type: ['CONNECTION_CREDENTIALS'],
        ConnectParticipant: true,
      },
    ]);
    expect(kept).toEqual([]);
  });

  it('finds the chat over when the session kept no participant token', async () => {
    // Prepare: stored before participant tokens were kept
    const participant = participantAnswering();
    const { sessions } = sessionsKeeping();
    const { participantToken: _none, ...older } = CHAT;

    // Act
    const outcome = await withConnection(
      { participant: participant.client, sessions },
      older,
      async () => {
        throw serviceError('AccessDeniedException', 403);
      }
    );

    // Assess
    expect(outcome).toEqual({ chatGone: true });
    expect(participant.calls).toEqual([]);
  });

  it('leaves a transient failure of the renewal for a retry', async () => {
    // Prepare
    const participant = participantAnswering(
      serviceError('InternalServerException', 500)
    );
    const { sessions } = sessionsKeeping();

    // Act
    const outcome = withConnection(
      { participant: participant.client, sessions },
      CHAT,
      async () => {
        throw serviceError('AccessDeniedException', 403);
      }
    );

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'InternalServerException',
    });
  });
});
