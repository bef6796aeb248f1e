import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * A conversation's hold: the earliest of its texts known to have failed
 * for now, which the conversation's later texts wait behind, whatever
 * batch they come in. One item per conversation in the idempotency table,
 * keyed by a hash of the numbers (no number is stored), expired by the
 * table's TTL attribute `expiration` and checked on read (TTL deletion
 * can lag by days). See docs/ordering.md.
 */
export interface Hold {
  /** The `inboundMessageId` of the text that holds the conversation. */
  readonly heldBy: string;
  /** When that text was published (epoch milliseconds): its place in order. */
  readonly orderKey: number;
  /** When the queue is expected to hand that text out again (epoch ms). */
  readonly retryAt: number;
  /** When the hold lapses by itself (epoch seconds). */
  readonly expiresAt: number;
}

/** Reads and writes holds; every write that races is conditional. */
export interface ConversationHolds {
  /** The live hold of a conversation (consistent read), if any. */
  read(conversation: string): Promise<Hold | undefined>;
  /**
   * Makes `hold` the conversation's hold unless an earlier text holds it:
   * when there is none, it lapsed, the same text holds it (a refresh), or
   * a later text does. Returns whether it did.
   */
  hold(conversation: string, hold: Hold): Promise<boolean>;
  /** Ends the hold if `heldBy` still holds it. */
  release(conversation: string, heldBy: string): Promise<void>;
}

/**
 * The item key of a conversation's hold: the customer's number and the
 * number texted, hashed, beside Powertools' `<function>#<hash>` records.
 */
export const holdKeyOf = (conversation: string): string =>
  `hold#${createHash('sha256').update(conversation, 'utf8').digest('hex')}`;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const dynamoDbHolds = (
  dynamodb: () => DynamoDBClient,
  tableName: string
): ConversationHolds => ({
  async read(conversation) {
    const { Item } = await dynamodb().send(
      new GetItemCommand({
        TableName: tableName,
        Key: { id: s(holdKeyOf(conversation)) },
        ConsistentRead: true,
      })
    );
    const heldBy = Item?.heldBy?.S;
    const expiresAt = Number(Item?.expiration?.N ?? 0);
    if (heldBy === undefined || expiresAt <= nowSeconds()) return undefined;
    return {
      heldBy,
      orderKey: Number(Item?.orderKey?.N ?? 0),
      retryAt: Number(Item?.retryAt?.N ?? 0),
      expiresAt,
    };
  },

  async hold(conversation, hold) {
    return dynamodb()
      .send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            id: s(holdKeyOf(conversation)),
            heldBy: s(hold.heldBy),
            orderKey: n(hold.orderKey),
            retryAt: n(hold.retryAt),
            expiration: n(hold.expiresAt),
          },
          ConditionExpression:
            'attribute_not_exists(id) OR expiration <= :now OR heldBy = :me OR orderKey > :key',
          ExpressionAttributeValues: {
            ':now': n(nowSeconds()),
            ':me': s(hold.heldBy),
            ':key': n(hold.orderKey),
          },
        })
      )
      .then(() => true, ignoreFailedCondition);
  },

  async release(conversation, heldBy) {
    await dynamodb()
      .send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: { id: s(holdKeyOf(conversation)) },
          ConditionExpression: 'heldBy = :me',
          ExpressionAttributeValues: { ':me': s(heldBy) },
        })
      )
      .catch(ignoreFailedCondition);
  },
});

const ignoreFailedCondition = (error: unknown): false => {
  if (error instanceof ConditionalCheckFailedException) return false;
  throw error;
};
