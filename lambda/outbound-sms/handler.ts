import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { sentPartStore } from '../participant/sent-part-record';
import { SessionStore } from '../participant/session-store';
import { lazySqsClient } from '../shared/dead-letter';
import { loadOutboundConfig } from './config';
import { createOutboundHandler } from './outbound-handler';

const config = loadOutboundConfig(process.env);
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
  // Sent-part markers share the session table with the inbound function,
  // which texts what a flow said before streaming started. Keyed under
  // this function's name, as Powertools' default always keyed them.
  idempotency: sentPartStore({
    dynamodb,
    sessionTableName: config.sessionTableName,
    keyPrefix: process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
  }),
});
