import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Sent-part markers: one record per part of a chat message texted to a
 * customer, in the session table (`pk` its key, `expiration` its TTL),
 * keyed on the chat item's id and the part's index. Both functions text
 * chat messages, the outbound one as Connect streams them, the inbound one
 * from the transcript of a new chat, so both write and read the same
 * record: the same key prefix, table and lifetime. A message that both
 * see is texted once.
 *
 * The key prefix is the outbound function's name, Powertools' default for
 * it: markers that earlier releases wrote are still found. The inbound
 * function is told that name (`SENT_PART_KEY_PREFIX`).
 */
/** As long as a streamed item can wait in the outbound queue. */
export const SENT_PART_MEMORY_SECONDS = 4 * 24 * 60 * 60;

export interface SentPartStore {
  readonly persistenceStore: BasePersistenceLayer;
  readonly config: IdempotencyConfig;
  /** The outbound function's name. */
  readonly keyPrefix: string;
}

/**
 * How long a marker is kept. No eventKeyJmesPath: the idempotent send
 * takes the part's key itself. The function registers it with each
 * invocation's context.
 */
export const sentPartConfig = (): IdempotencyConfig =>
  new IdempotencyConfig({ expiresAfterSeconds: SENT_PART_MEMORY_SECONDS });

/** The sent-part markers in the session table, as both functions keep them. */
export const sentPartStore = (options: {
  readonly dynamodb: DynamoDBClient;
  readonly sessionTableName: string;
  /** The outbound function's name. */
  readonly keyPrefix: string;
  readonly config?: IdempotencyConfig;
}): SentPartStore => ({
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: options.sessionTableName,
    keyAttr: 'pk',
    awsSdkV3Client: options.dynamodb,
  }),
  config: options.config ?? sentPartConfig(),
  keyPrefix: options.keyPrefix,
});
