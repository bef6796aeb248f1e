import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * The session table holds two kinds of item, both keyed by `pk` and expired
 * by DynamoDB TTL on `expiration` (epoch seconds):
 *
 * - `session#<customer>#<number texted>#<subtype>`: the customer's chat, the
 *   identity `SendChatIntegrationEvent` would use. It is `starting` while one
 *   invocation opens the chat (a conditional put, so only one can), then
 *   `started` as soon as `StartChatContact` has answered: the chat exists,
 *   and the session holds its contact id and participant token until the
 *   chat is streamed and the customer connected, by that invocation or, if
 *   it fails, by whichever text comes next (it resumes the chat instead of
 *   opening another). Then it is `active` with the chat's contact id, its
 *   participant token (valid as long as the customer is in the chat) and
 *   its current connection token (valid for a day, renewed with the
 *   participant token). It expires with the chat, not with the connection
 *   token.
 * - `contact#<contact id>`: who to text when Connect streams a message of
 *   that chat (the outbound function's lookup), written before streaming
 *   starts so no streamed message can arrive before it.
 *
 * TTL deletion can lag by days, so an expired item is treated as absent.
 */

/** Who a chat is with: the `SourceId`/`DestinationId`/`Subtype` identity. */
export interface ChatIdentity {
  readonly customerNumber: string;
  /** The End User Messaging number the customer texted, in E.164. */
  readonly bridgeNumber: string;
  readonly subtype: string;
}

export type Session =
  | {
      readonly state: 'starting';
      /** The id of the inbound message whose invocation opens the chat. */
      readonly claimedBy: string;
      /** Epoch milliseconds. */
      readonly claimedAt: number;
    }
  | StartedSession
  | ({ readonly state: 'active' } & ChatConnection);

/**
 * A chat that `StartChatContact` opened but that is not yet streamed or
 * its customer connected: whoever holds it finishes it, and anyone may
 * take it over once nobody does (`claimedBy` absent, or its claim stale).
 */
export interface StartedSession {
  readonly state: 'started';
  readonly contactId: string;
  /** A credential: never logged. */
  readonly participantToken: string;
  /** The client token of the text (or part) that opened the chat. */
  readonly openedBy: string;
  /** The invocation finishing the chat now, if any. */
  readonly claimedBy?: string;
  /** Epoch milliseconds; 0 once its claimant let go. */
  readonly claimedAt: number;
}

/**
 * Whether an invocation holds a live claim on the session; one of
 * `claimant` (an earlier attempt of the same text or part) does not count.
 */
export const isBeingOpened = (
  session: Session | undefined,
  claimant?: string,
  now: number = Date.now()
): boolean =>
  (session?.state === 'starting' ||
    (session?.state === 'started' && session.claimedBy !== undefined)) &&
  session.claimedBy !== claimant &&
  now - session.claimedAt < STALE_CLAIM_MS;

/**
 * A started chat as a connection to renew before use: its participant
 * token gives it a connection token (`withConnection`).
 */
export const startedChatConnection = (
  session: StartedSession
): ChatConnection => ({
  contactId: session.contactId,
  connectionToken: '',
  connectionExpiresAt: 0,
  participantToken: session.participantToken,
  openedBy: session.openedBy,
});

/** An open chat's credentials, as the session keeps them. */
export interface ChatConnection {
  readonly contactId: string;
  /** A credential: never logged. */
  readonly connectionToken: string;
  /**
   * When the connection token expires (epoch seconds), as Connect said;
   * absent in sessions stored before it was kept.
   */
  readonly connectionExpiresAt?: number;
  /**
   * A credential, never logged: it renews the connection for as long as
   * the customer is in the chat. Absent in sessions stored before it was
   * kept; such a chat cannot be renewed.
   */
  readonly participantToken?: string;
  /**
   * The client token of the text that opened the chat: its inbound
   * message id, or for a later part of a long text, that part's token.
   */
  readonly openedBy?: string;
}

export interface ChatContact {
  readonly contactId: string;
  readonly sessionKey: string;
  /** Removed once the customer opts out. */
  readonly customerNumber?: string;
  /** The phone-number ARN the customer texted: replies are sent from it. */
  readonly replyFromArn: string;
  readonly ended: boolean;
  readonly optedOut: boolean;
}

/** Connect's default chat duration (ChatDurationInMinutes, 25 hours). */
export const CHAT_LIFETIME_SECONDS = 25 * 60 * 60;
/** How long a contact is kept after its chat ends, for late messages. */
const ENDED_CONTACT_SECONDS = 60 * 60;
/** How long a `starting` marker may block others before it counts as dead. */
export const STALE_CLAIM_MS = 60_000;

export const sessionKeyOf = (chat: ChatIdentity): string =>
  `session#${chat.customerNumber}#${chat.bridgeNumber}#${chat.subtype}`;

const contactKeyOf = (contactId: string): string => `contact#${contactId}`;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

const ignoreFailedCondition = (error: unknown): false => {
  if (error instanceof ConditionalCheckFailedException) return false;
  throw error;
};

export interface ActiveSession {
  readonly contactId: string;
  readonly connectionToken: string;
  /** Epoch seconds. */
  readonly connectionExpiresAt: number;
  readonly participantToken: string;
  /** When the chat ends at the latest (epoch seconds): the session's TTL. */
  readonly chatEndsAt: number;
  /** @default - the claimant: it opened the chat */
  readonly openedBy?: string;
}

/** What `StartChatContact` answered, kept before anything else is done. */
export interface StartedChat {
  readonly contactId: string;
  readonly participantToken: string;
  /** When the chat ends at the latest (epoch seconds): the session's TTL. */
  readonly chatEndsAt: number;
}

/** A connection `CreateParticipantConnection` gave again. */
export interface RenewedConnection {
  readonly connectionToken: string;
  /** Epoch seconds. */
  readonly connectionExpiresAt: number;
}

/** Reads and writes chat sessions; every write that races is conditional. */
/** The condition that the key still holds `claimant`'s starting marker. */
const stillClaimedBy = (claimant: string) => ({
  ConditionExpression: '#state = :starting AND claimedBy = :claimant',
  ExpressionAttributeNames: { '#state': 'state' },
  ExpressionAttributeValues: {
    ':starting': s('starting'),
    ':claimant': s(claimant),
  },
});

export class SessionStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string
  ) {}

  async getSession(sessionKey: string): Promise<Session | undefined> {
    const item = await this.get(sessionKey);
    if (item === undefined) return undefined;
    if (item.state?.S === 'active') {
      const connectionExpiresAt = item.connectionExpiresAt?.N;
      const participantToken = item.participantToken?.S;
      const openedBy = item.openedBy?.S;
      return {
        state: 'active',
        contactId: item.contactId?.S ?? '',
        connectionToken: item.connectionToken?.S ?? '',
        ...(connectionExpiresAt === undefined
          ? {}
          : { connectionExpiresAt: Number(connectionExpiresAt) }),
        ...(participantToken === undefined ? {} : { participantToken }),
        ...(openedBy === undefined ? {} : { openedBy }),
      };
    }
    if (item.state?.S === 'started') {
      const claimedBy = item.claimedBy?.S;
      return {
        state: 'started',
        contactId: item.contactId?.S ?? '',
        participantToken: item.participantToken?.S ?? '',
        openedBy: item.openedBy?.S ?? '',
        ...(claimedBy === undefined ? {} : { claimedBy }),
        claimedAt: Number(item.claimedAt?.N ?? 0),
      };
    }
    return {
      state: 'starting',
      claimedBy: item.claimedBy?.S ?? '',
      claimedAt: Number(item.claimedAt?.N ?? 0),
    };
  }

  /**
   * Marks the session as being started by `claimant`. Succeeds only when
   * there is no live session: none, an expired one, a `starting` marker
   * left by an invocation that died, or the claimant's own marker (kept
   * when its start failed in a way that may have opened the chat, so that
   * its retry, with the same client token, finds that chat).
   */
  async claim(sessionKey: string, claimant: string): Promise<boolean> {
    const now = Date.now();
    return this.dynamodb
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: s(sessionKey),
            state: s('starting'),
            claimedBy: s(claimant),
            claimedAt: n(now),
            expiration: n(nowSeconds() + 60 * 60),
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR expiration <= :now OR (#state = :starting AND (claimedAt < :staleBefore OR claimedBy = :claimant))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': n(nowSeconds()),
            ':starting': s('starting'),
            ':staleBefore': n(now - STALE_CLAIM_MS),
            ':claimant': s(claimant),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  /** Gives up a claim, so others need not wait for it to go stale. */
  async release(sessionKey: string, claimant: string): Promise<void> {
    await this.dynamodb
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          ...stillClaimedBy(claimant),
        })
      )
      .catch(ignoreFailedCondition);
  }

  /**
   * Keeps the chat that `StartChatContact` opened for the claimant, still
   * claimed by it: from now on no text opens another chat for the
   * customer, and any can finish this one. Returns whether it did (the
   * claim may have been taken over).
   */
  async markStarted(
    sessionKey: string,
    claimant: string,
    chat: StartedChat
  ): Promise<boolean> {
    return this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          UpdateExpression:
            'SET #state = :started, contactId = :contactId, participantToken = :participantToken, openedBy = :claimant, claimedAt = :now, expiration = :expiration',
          ConditionExpression: '#state = :starting AND claimedBy = :claimant',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':started': s('started'),
            ':starting': s('starting'),
            ':contactId': s(chat.contactId),
            ':participantToken': s(chat.participantToken),
            ':claimant': s(claimant),
            ':now': n(Date.now()),
            ':expiration': n(chat.chatEndsAt),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  /**
   * Claims a started chat to finish it: when nobody holds it, its holder's
   * claim is stale, or the claimant holds it already.
   */
  async claimStarted(
    sessionKey: string,
    claimant: string,
    contactId: string
  ): Promise<boolean> {
    const now = Date.now();
    return this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          UpdateExpression: 'SET claimedBy = :claimant, claimedAt = :now',
          ConditionExpression:
            '#state = :started AND contactId = :contactId AND expiration > :nowSeconds AND (attribute_not_exists(claimedBy) OR claimedBy = :claimant OR claimedAt < :staleBefore)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':started': s('started'),
            ':contactId': s(contactId),
            ':claimant': s(claimant),
            ':now': n(now),
            ':nowSeconds': n(nowSeconds()),
            ':staleBefore': n(now - STALE_CLAIM_MS),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  /**
   * Lets go of a started chat the claimant could not finish: the chat
   * stays in the session, and the next text finishes it.
   */
  async letGo(sessionKey: string, claimant: string): Promise<void> {
    await this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          UpdateExpression: 'SET claimedAt = :zero REMOVE claimedBy',
          ConditionExpression: '#state = :started AND claimedBy = :claimant',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':started': s('started'),
            ':claimant': s(claimant),
            ':zero': n(0),
          },
        })
      )
      .catch(ignoreFailedCondition);
  }

  /**
   * Turns the claimant's marker, or the started chat it holds, into the
   * active session, which lives as long as the chat can.
   */
  async activate(
    sessionKey: string,
    claimant: string,
    session: ActiveSession
  ): Promise<boolean> {
    return this.dynamodb
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: s(sessionKey),
            state: s('active'),
            contactId: s(session.contactId),
            connectionToken: s(session.connectionToken),
            connectionExpiresAt: n(session.connectionExpiresAt),
            participantToken: s(session.participantToken),
            openedBy: s(session.openedBy ?? claimant),
            expiration: n(session.chatEndsAt),
          },
          ConditionExpression:
            '(#state = :starting OR (#state = :started AND contactId = :contactId)) AND claimedBy = :claimant',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':starting': s('starting'),
            ':started': s('started'),
            ':contactId': s(session.contactId),
            ':claimant': s(claimant),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  /**
   * Keeps a renewed connection token, if the session still holds the
   * chat (a newer chat may have replaced it). Returns whether it did.
   */
  async renewConnection(
    sessionKey: string,
    contactId: string,
    connection: RenewedConnection
  ): Promise<boolean> {
    return this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          UpdateExpression:
            'SET connectionToken = :token, connectionExpiresAt = :expiresAt',
          ConditionExpression: '#state = :active AND contactId = :contactId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':token': s(connection.connectionToken),
            ':expiresAt': n(connection.connectionExpiresAt),
            ':active': s('active'),
            ':contactId': s(contactId),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  /**
   * Removes the session if it still belongs to `contactId` (a newer chat
   * may have replaced it). Returns whether it did.
   */
  async remove(sessionKey: string, contactId: string): Promise<boolean> {
    return this.dynamodb
      .send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: s(sessionKey) },
          ConditionExpression: 'contactId = :contactId',
          ExpressionAttributeValues: { ':contactId': s(contactId) },
        })
      )
      .then(() => true, ignoreFailedCondition);
  }

  async saveContact(
    contact: Omit<ChatContact, 'ended' | 'optedOut'>,
    expiresAt: number
  ): Promise<void> {
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: s(contactKeyOf(contact.contactId)),
          contactId: s(contact.contactId),
          sessionKey: s(contact.sessionKey),
          replyFromArn: s(contact.replyFromArn),
          ...(contact.customerNumber === undefined
            ? {}
            : { customerNumber: s(contact.customerNumber) }),
          expiration: n(expiresAt + ENDED_CONTACT_SECONDS),
        },
      })
    );
  }

  async getContact(contactId: string): Promise<ChatContact | undefined> {
    const item = await this.get(contactKeyOf(contactId));
    if (item === undefined) return undefined;
    const customerNumber = item.customerNumber?.S;
    return {
      contactId,
      sessionKey: item.sessionKey?.S ?? '',
      replyFromArn: item.replyFromArn?.S ?? '',
      ...(customerNumber === undefined ? {} : { customerNumber }),
      ended: item.ended?.BOOL === true,
      optedOut: item.optedOut?.BOOL === true,
    };
  }

  /**
   * Marks the contact's chat as over. It is kept a little longer so a
   * reply that overtook the end event still reaches the customer, unless
   * the customer opted out: then their number is dropped at once.
   */
  async endContact(contactId: string, optedOut: boolean): Promise<void> {
    await this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: s(contactKeyOf(contactId)) },
          UpdateExpression: optedOut
            ? 'SET ended = :true, optedOut = :true, expiration = :expiration REMOVE customerNumber'
            : 'SET ended = :true, expiration = :expiration',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':true': { BOOL: true },
            ':expiration': n(nowSeconds() + ENDED_CONTACT_SECONDS),
          },
        })
      )
      .catch(ignoreFailedCondition);
  }

  private async get(
    pk: string
  ): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: s(pk) },
        ConsistentRead: true,
      })
    );
    const expiration = Number(Item?.expiration?.N ?? Number.POSITIVE_INFINITY);
    return Item !== undefined && expiration > nowSeconds() ? Item : undefined;
  }
}
