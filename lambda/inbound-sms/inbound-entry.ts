import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazySqsClient } from '../shared/dead-letter';
import type { BridgeConfig } from './config';
import type { Deliver } from './delivery';
import { createInboundHandler, type InboundHandler } from './inbound-handler';
import { answerKeywords } from './keyword-replies-loader';

/** What a delivery mode may log and count with. */
export interface DeliveryTools {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Registers an idempotency config of the mode's own with each invocation. */
  registerIdempotencyConfig(config: IdempotencyConfig): void;
}

/**
 * The inbound function as both delivery modes build it: keyword replies
 * (when self-managed opt-outs are on) in front of the mode's delivery, one
 * idempotency table, lazily made dead-letter client, logger and metrics.
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
  const modeConfigs: IdempotencyConfig[] = [];
  const deliver = deliverWith({
    logger,
    metrics,
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
    sqs: lazySqsClient(),
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
