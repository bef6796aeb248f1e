import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * A text of a conversation that is not yet in the chat and that the
 * conversation's later texts must wait for: one that failed for now, one
 * held back behind an earlier one, or one whose delivery is taking long.
 * See docs/ordering.md.
 */
export interface WaitingText {
  /** Its `inboundMessageId`. */
  readonly id: string;
  /** When it was published (epoch milliseconds): its place in order. */
  readonly orderKey: number;
  /** When the queue is expected to hand it out again (epoch ms). */
  readonly retryAt: number;
  /** When it stops holding anything back by itself (epoch seconds). */
  readonly expiresAt: number;
}

/**
 * A conversation's hold: its waiting texts, one item per conversation in
 * the idempotency table, keyed by a hash of the numbers (no number is
 * stored), one attribute per waiting text. An entry lapses at its
 * `expiresAt`, checked on read; the item itself goes with the table's TTL
 * attribute `expiration` once no entry can be live.
 */
export interface ConversationHolds {
  /** The conversation's live waiting texts (consistent read). */
  read(conversation: string): Promise<WaitingText[]>;
  /** Adds a waiting text, or updates it. */
  wait(conversation: string, text: WaitingText): Promise<void>;
  /** Removes a waiting text: it is in the chat, or gone for good. */
  leave(conversation: string, id: string): Promise<void>;
}

/**
 * The item key of a conversation's hold: the customer's number and the
 * number texted, hashed, beside Powertools' `<function>#<hash>` records.
 */
export const holdKeyOf = (conversation: string): string =>
  `hold#${createHash('sha256').update(conversation, 'utf8').digest('hex')}`;

/** The attribute that holds one waiting text. */
const ENTRY_PREFIX = 'w#';

/**
 * How long the item outlives the entry written last: past any entry's own
 * lapse (visibility delays are at most 12 hours), so the TTL never removes
 * a live entry.
 */
const ITEM_LIFETIME_SECONDS = 13 * 60 * 60;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

export const dynamoDbHolds = (
  dynamodb: DynamoDBClient,
  tableName: string
): ConversationHolds => {
  const key = (conversation: string) => ({ id: s(holdKeyOf(conversation)) });
  return {
    async read(conversation) {
      const { Item = {} } = await dynamodb.send(
        new GetItemCommand({
          TableName: tableName,
          Key: key(conversation),
          ConsistentRead: true,
        })
      );
      const now = Date.now() / 1000;
      const waiting: WaitingText[] = [];
      for (const [name, value] of Object.entries(Item)) {
        if (!name.startsWith(ENTRY_PREFIX) || value.M === undefined) continue;
        const entry = {
          id: name.slice(ENTRY_PREFIX.length),
          orderKey: Number(value.M.orderKey?.N),
          retryAt: Number(value.M.retryAt?.N),
          expiresAt: Number(value.M.expiresAt?.N),
        };
        if (entry.expiresAt > now && Number.isFinite(entry.orderKey)) {
          waiting.push(entry);
        }
      }
      return waiting;
    },

    async wait(conversation, text) {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(conversation),
          UpdateExpression: 'SET #entry = :entry, expiration = :expiration',
          ExpressionAttributeNames: { '#entry': ENTRY_PREFIX + text.id },
          ExpressionAttributeValues: {
            ':entry': {
              M: {
                orderKey: n(text.orderKey),
                retryAt: n(text.retryAt),
                expiresAt: n(text.expiresAt),
              },
            },
            ':expiration': n(text.expiresAt + ITEM_LIFETIME_SECONDS),
          },
        })
      );
    },

    async leave(conversation, id) {
      await dynamodb
        .send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(conversation),
            UpdateExpression: 'REMOVE #entry',
            ExpressionAttributeNames: { '#entry': ENTRY_PREFIX + id },
            // Creates no item for a conversation that has none.
            ConditionExpression: 'attribute_exists(id)',
          })
        )
        .catch((error: unknown) => {
          if (
            (error as { name?: string }).name !==
            'ConditionalCheckFailedException'
          ) {
            throw error;
          }
        });
    },
  };
};
