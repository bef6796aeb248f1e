import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Cursor } from './entries';

/**
 * The sweep's state, in the bridge's idempotency table (keyed by `id`,
 * encrypted with the bridge's key, expired by TTL on `expiration`):
 *
 * - `opt-out-sweep#cursor#<list>`: the cursor, with a `version` that each
 *   save checks and bumps, so a run that overlaps another never moves the
 *   cursor back. It never expires.
 * - `opt-out-sweep#entry#<hash>`: one marker per opt-out and number of the
 *   bridge (`markerKeyOf`), claimed with a conditional put before its chat
 *   is ended, so that an overlapping or later run never ends it again.
 *   `ending` while a run works on it, then `ended` or `failed`; `released`
 *   when a transient failure hands it to the next run.
 *
 * No item holds a phone number: the markers' keys are hashes.
 */

/** How long a marker is kept: far longer than an entry stays new. */
export const MARKER_LIFETIME_SECONDS = 14 * 24 * 60 * 60;
/**
 * An `ending` marker older than this belongs to a run that died (the
 * function's timeout is under a minute), and another run may take it.
 */
export const STALE_MARKER_MS = 2 * 60 * 1000;

const CURSOR_PREFIX = 'opt-out-sweep#cursor#';
const MARKER_PREFIX = 'opt-out-sweep#entry#';

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

const lostCondition = (error: unknown): false => {
  if (error instanceof ConditionalCheckFailedException) return false;
  throw error;
};

export interface StoredCursor {
  readonly cursor: Cursor;
  /** 0 when none is stored yet. */
  readonly version: number;
}

export type SettledState = 'ended' | 'failed';

export type ClaimResult = 'claimed' | 'settled' | 'busy';

export class SweepStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly optOutListName: string
  ) {}

  private get cursorKey() {
    return { id: s(`${CURSOR_PREFIX}${this.optOutListName}`) };
  }

  async loadCursor(): Promise<StoredCursor | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.cursorKey,
        ConsistentRead: true,
      })
    );
    if (Item === undefined) return undefined;
    const nextToken = Item.nextToken?.S;
    return {
      cursor: {
        watermark: Number(Item.watermark?.N),
        passStartedAt: Number(Item.passStartedAt?.N),
        ...(nextToken === undefined ? {} : { nextToken }),
      },
      version: Number(Item.version?.N ?? 0),
    };
  }

  /**
   * Saves the cursor if it is still at `version`; false when another run
   * saved one since (this run then stops).
   */
  async saveCursor(cursor: Cursor, version: number): Promise<boolean> {
    const token = cursor.nextToken;
    return this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.cursorKey,
          UpdateExpression: `SET watermark = :watermark, passStartedAt = :passStartedAt, version = :next${
            token === undefined ? ' REMOVE nextToken' : ', nextToken = :token'
          }`,
          ConditionExpression:
            version === 0 ? 'attribute_not_exists(id)' : 'version = :version',
          ExpressionAttributeValues: {
            ':watermark': n(cursor.watermark),
            ':passStartedAt': n(cursor.passStartedAt),
            ':next': n(version + 1),
            ...(version === 0 ? {} : { ':version': n(version) }),
            ...(token === undefined ? {} : { ':token': s(token) }),
          },
        })
      )
      .then(() => true, lostCondition);
  }

  /**
   * Claims a marker for `claimant` (the invocation): `claimed`, or
   * `settled` when a run ended it (or gave up on it) already, or `busy`
   * when another run still holds it.
   */
  async claim(markerKey: string, claimant: string): Promise<ClaimResult> {
    const now = Date.now();
    const id = s(`${MARKER_PREFIX}${markerKey}`);
    const claimed = await this.dynamodb
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            id,
            state: s('ending'),
            claimedBy: s(claimant),
            claimedAt: n(now),
            expiration: n(Math.floor(now / 1000) + MARKER_LIFETIME_SECONDS),
          },
          ConditionExpression:
            'attribute_not_exists(id) OR #state = :released OR (#state = :ending AND claimedAt < :staleBefore)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':released': s('released'),
            ':ending': s('ending'),
            ':staleBefore': n(now - STALE_MARKER_MS),
          },
        })
      )
      .then(() => true, lostCondition);
    if (claimed) return 'claimed';
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { id },
        ConsistentRead: true,
      })
    );
    return Item?.state?.S === 'ending' ? 'busy' : 'settled';
  }

  /** Settles the claimant's marker for good. */
  async settle(
    markerKey: string,
    claimant: string,
    state: SettledState
  ): Promise<void> {
    await this.setState(markerKey, claimant, state);
  }

  /** Hands the claimant's marker to the next run. */
  async release(markerKey: string, claimant: string): Promise<void> {
    await this.setState(markerKey, claimant, 'released');
  }

  private async setState(
    markerKey: string,
    claimant: string,
    state: SettledState | 'released'
  ): Promise<void> {
    await this.dynamodb
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { id: s(`${MARKER_PREFIX}${markerKey}`) },
          UpdateExpression: 'SET #state = :state',
          ConditionExpression: '#state = :ending AND claimedBy = :claimant',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': s(state),
            ':ending': s('ending'),
            ':claimant': s(claimant),
          },
        })
      )
      .catch(lostCondition);
  }
}
