import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lazySqsClient } from '../shared/dead-letter';
import { deliverByParticipant } from './deliver-participant';
import { createInboundHandler } from './inbound-handler';
import { answerKeywords } from './keyword-replies-loader';
import { loadParticipantConfig } from './participant-config';
import { SessionStore } from './session-store';

const config = loadParticipantConfig(process.env);
const logger = new Logger();
const metrics = new Metrics();
// No eventKeyJmesPath: the idempotent functions take the id as their key.
const idempotencyConfig = new IdempotencyConfig({
  expiresAfterSeconds: config.deduplicationWindowSeconds,
});
// A hung call is retried within the invocation rather than holding the
// batch until the function times out.
const requestHandler = {
  connectionTimeout: 3_000,
  requestTimeout: 6_000,
  throwOnRequestTimeout: true,
};

/** Entry point of the `participant` delivery mode. */
export const handler = createInboundHandler({
  deliver: answerKeywords(
    deliverByParticipant({
      connect: new ConnectClient({ requestHandler }),
      participant: new ConnectParticipantClient({ requestHandler }),
      sessions: new SessionStore(
        new DynamoDBClient({}),
        config.sessionTableName
      ),
      config,
      logger,
    }),
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
