import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deliverByParticipant } from './deliver-participant';
import { createInboundHandler } from './inbound-handler';
import { loadParticipantConfig } from './participant-config';
import { SessionStore } from './session-store';

const config = loadParticipantConfig(process.env);
const logger = new Logger();

/** Entry point of the `participant` delivery mode. */
export const handler = createInboundHandler({
  deliver: deliverByParticipant({
    connect: new ConnectClient({}),
    participant: new ConnectParticipantClient({}),
    sessions: new SessionStore(new DynamoDBClient({}), config.sessionTableName),
    config,
    logger,
  }),
  deadLetterQueueUrl: config.deadLetterQueueUrl,
  sqs: new SQSClient({}),
  logger,
  metrics: new Metrics(),
  idempotency: {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config.idempotencyTableName,
    }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'inboundMessageId',
      expiresAfterSeconds: config.deduplicationWindowSeconds,
    }),
  },
});
