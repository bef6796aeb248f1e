import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazySqsClient } from '../shared/dead-letter';
import type { BridgeConfig } from './config';
import { dynamoDbHolds } from './conversation-hold';
import type { Deliver } from './delivery';
import { createInboundHandler, type InboundHandler } from './inbound-handler';
import { answerKeywords } from './keyword-replies-loader';
import { type SendParts, sendEachPartOnce } from './text-parts';

/** What the inbound function gives its mode's delivery. */
export interface DeliveryTools {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Sends a long text's parts, each once across retries. */
  readonly sendParts: SendParts;
  /** Registers an idempotency config of the mode's own with each invocation. */
  registerIdempotencyConfig(config: IdempotencyConfig): void;
}

/**
 * The inbound function as both delivery modes build it: keyword replies
 * (when self-managed opt-outs are on) in front of the mode's delivery, one
 * idempotency table (the texts' records, the part markers of long texts
 * and the opt-out confirmations), lazily made dead-letter client, logger
 * and metrics.
 */
export const createInboundEntry = (
  config: BridgeConfig,
  deliverWith: (tools: DeliveryTools) => Deliver
): InboundHandler => {
  const logger = new Logger();
  const metrics = new Metrics();
  // No eventKeyJmesPath: the idempotent functions take the id as their key.
  const idempotencyConfig = new IdempotencyConfig({
    expiresAfterSeconds: config.deduplicationWindowSeconds,
  });
  // A store of its own: a store keeps the key prefix of its last call.
  const sendParts = sendEachPartOnce(() => ({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config.idempotencyTableName,
    }),
    config: idempotencyConfig,
  }));
  const modeConfigs: IdempotencyConfig[] = [];
  const deliver = deliverWith({
    logger,
    metrics,
    sendParts,
    registerIdempotencyConfig: (modeConfig) => {
      modeConfigs.push(modeConfig);
    },
  });
  return createInboundHandler({
    deliver: answerKeywords(deliver, config, {
      logger,
      metrics,
      idempotencyConfig,
    }),
    deadLetterQueueUrl: config.deadLetterQueueUrl,
    queueUrl: config.queueUrl,
    sqs: lazySqsClient(),
    // Read for every text, so made with the function, not on first use.
    holds: dynamoDbHolds(new DynamoDBClient({}), config.idempotencyTableName),
    maxReceiveCount: config.maxReceiveCount,
    logger,
    metrics,
    idempotency: {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.idempotencyTableName,
      }),
      config: idempotencyConfig,
      otherConfigs: modeConfigs,
    },
  });
};
