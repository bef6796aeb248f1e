import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SessionStore } from '../inbound-sms/session-store';
import { lazySqsClient } from '../shared/dead-letter';
import { loadOutboundConfig } from './config';
import { createOutboundHandler } from './outbound-handler';

const config = loadOutboundConfig(process.env);
/** As long as a streamed item can wait in the outbound queue. */
const SENT_PART_MEMORY_SECONDS = 4 * 24 * 60 * 60;
const dynamodb = new DynamoDBClient({});

/** Entry point of the agent -> customer direction (participant mode). */
export const handler = createOutboundHandler({
  sms: new PinpointSMSVoiceV2Client({}),
  participant: new ConnectParticipantClient({}),
  sessions: new SessionStore(dynamodb, config.sessionTableName),
  sqs: lazySqsClient(),
  deadLetterQueueUrl: config.deadLetterQueueUrl,
  logger: new Logger(),
  metrics: new Metrics(),
  notices: config.notices,
  idempotency: {
    // Sent-part markers share the session table: `pk` is its key and
    // `expiration` its TTL attribute.
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config.sessionTableName,
      keyAttr: 'pk',
      awsSdkV3Client: dynamodb,
    }),
    // No eventKeyJmesPath: the idempotent send takes the part's key itself.
    config: new IdempotencyConfig({
      expiresAfterSeconds: SENT_PART_MEMORY_SECONDS,
    }),
  },
});
