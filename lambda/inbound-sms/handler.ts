import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { lazySqsClient } from '../shared/dead-letter';
import { loadConfig } from './config';
import { deliverByIntegrationEvent } from './deliver-integration-event';
import { createInboundHandler } from './inbound-handler';
import { answerKeywords } from './keyword-replies-loader';

const config = loadConfig(process.env);
const logger = new Logger();
const metrics = new Metrics();
// No eventKeyJmesPath: the idempotent functions take the id as their key.
const idempotencyConfig = new IdempotencyConfig({
  expiresAfterSeconds: config.deduplicationWindowSeconds,
});

/** Entry point of the `integration-event` delivery mode. */
export const handler = createInboundHandler({
  deliver: answerKeywords(
    deliverByIntegrationEvent(
      // A hung call is retried within the invocation rather than holding the
      // batch until the function times out.
      new ConnectClient({
        requestHandler: {
          connectionTimeout: 3_000,
          requestTimeout: 6_000,
          throwOnRequestTimeout: true,
        },
      }),
      config
    ),
    config,
    { logger, metrics, idempotencyConfig }
  ),
  deadLetterQueueUrl: config.deadLetterQueueUrl,
  sqs: lazySqsClient(),
  logger,
  metrics,
  idempotency: {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config.idempotencyTableName,
    }),
    config: idempotencyConfig,
  },
});
