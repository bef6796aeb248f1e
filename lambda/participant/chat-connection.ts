import {
  type ConnectParticipantClient,
  CreateParticipantConnectionCommand,
} from '@aws-sdk/client-connectparticipant';
import { classifyChatError, isChatGone } from './chat-failures';
import { connectionRequest } from './chat-requests';
import type {
  ChatConnection,
  RenewedConnection,
  SessionStore,
} from './session-store';

/**
 * "Expiry time for the connection token is 1 day" (CreateParticipantConnection
 * API reference): what the bridge assumes when Connect names no expiry.
 */
export const CONNECTION_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/**
 * A token this close to its expiry is renewed before use, so that it
 * does not expire between the check and the call.
 */
const EXPIRY_MARGIN_SECONDS = 60;

/**
 * When a connection token expires, in epoch seconds: the `Expiry` that
 * `CreateParticipantConnection` answered (ISO 8601), or a day after
 * `nowSeconds` when it answered none that can be read.
 */
export const connectionExpiryOf = (
  expiry: string | undefined,
  nowSeconds: number
): number => {
  const parsed = Date.parse(expiry ?? '');
  return Number.isFinite(parsed)
    ? Math.floor(parsed / 1000)
    : nowSeconds + CONNECTION_TOKEN_LIFETIME_SECONDS;
};

/**
 * Whether a connection token must be renewed before use: it has expired,
 * or is about to. A session stored before expiries were kept says nothing,
 * and its token is tried as it is (a 403 then renews it).
 */
export const connectionHasExpired = (
  connectionExpiresAt: number | undefined,
  nowSeconds: number
): boolean =>
  connectionExpiresAt !== undefined &&
  connectionExpiresAt <= nowSeconds + EXPIRY_MARGIN_SECONDS;

/** Why a connection was renewed. */
export type RenewalReason = 'expired' | 'refused';

export interface ConnectionDependencies {
  readonly participant: ConnectParticipantClient;
  readonly sessions: SessionStore;
  /** Told of each renewal, to log and count it (never the token). */
  readonly onRenewed?: (contactId: string, reason: RenewalReason) => void;
}

/** What `withConnection` did: the call's result, or the chat is over. */
export type ConnectionOutcome<T> =
  | { readonly chatGone: false; readonly value: T }
  | { readonly chatGone: true };

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Runs `use` with a connection token of the chat that the participant
 * service accepts. A connection token lasts a day, a chat 25 hours by
 * default: when the token has expired (its `Expiry`), or the service
 * refuses it (403), the connection is created again with the participant
 * token, which lasts as long as the customer is in the chat, and the new
 * token is kept in the session. Only when that is refused too is the chat
 * over (`chatGone`). `use` gets the raw SDK error; any other error is
 * classified and thrown.
 */
export const withConnection = async <T>(
  deps: ConnectionDependencies,
  chat: ChatConnection & { readonly sessionKey: string },
  use: (connectionToken: string) => Promise<T>
): Promise<ConnectionOutcome<T>> => {
  const renew = async (reason: RenewalReason) => {
    if (chat.participantToken === undefined) return undefined;
    const renewed = await renewConnection(deps, chat, chat.participantToken);
    if (renewed !== undefined) deps.onRenewed?.(chat.contactId, reason);
    return renewed;
  };
  const attempt = async (
    token: string
  ): Promise<{ refused: true } | { refused: false; value: T }> => {
    try {
      return { refused: false, value: await use(token) };
    } catch (error) {
      if (isChatGone(error)) return { refused: true };
      throw classifyChatError(error);
    }
  };

  let token: string | undefined = chat.connectionToken;
  const expired = connectionHasExpired(chat.connectionExpiresAt, nowSeconds());
  if (expired) token = await renew('expired');
  if (token === undefined) return { chatGone: true };
  const first = await attempt(token);
  if (!first.refused) return { chatGone: false, value: first.value };
  if (expired) return { chatGone: true };
  const renewed = await renew('refused');
  if (renewed === undefined) return { chatGone: true };
  const second = await attempt(renewed);
  return second.refused
    ? { chatGone: true }
    : { chatGone: false, value: second.value };
};

/**
 * Creates the customer's connection again; the new token, or `undefined`
 * when the participant service refuses the participant token (the
 * customer is no longer in the chat: it is over).
 */
const renewConnection = async (
  deps: ConnectionDependencies,
  chat: { readonly sessionKey: string; readonly contactId: string },
  participantToken: string
): Promise<string | undefined> => {
  let connection: RenewedConnection;
  try {
    const created = await deps.participant.send(
      new CreateParticipantConnectionCommand(
        connectionRequest(participantToken)
      )
    );
    const credentials = created.ConnectionCredentials;
    if (!credentials?.ConnectionToken) {
      throw new Error('Amazon Connect returned no ConnectionToken');
    }
    connection = {
      connectionToken: credentials.ConnectionToken,
      connectionExpiresAt: connectionExpiryOf(credentials.Expiry, nowSeconds()),
    };
  } catch (error) {
    if (isChatGone(error)) return undefined;
    throw classifyChatError(error);
  }
  // If a newer chat replaced this one meanwhile, the token still serves
  // this call; only the newer session is left as it is.
  await deps.sessions.renewConnection(
    chat.sessionKey,
    chat.contactId,
    connection
  );
  return connection.connectionToken;
};
