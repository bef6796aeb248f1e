import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SessionStore } from '../participant/session-store';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { loadParticipantSweepConfig } from './config';
import { createSweepHandler } from './create-handler';
import { endByParticipant } from './end-by-participant';

const config = loadParticipantSweepConfig(process.env);
const dynamodb = new DynamoDBClient({});

/** Entry point of the opt-out sweep in `participant` mode. */
export const handler = createSweepHandler(
  config,
  dynamodb,
  endByParticipant({
    participant: new ConnectParticipantClient({
      requestHandler: REQUEST_TIMEOUTS,
    }),
    sessions: new SessionStore(dynamodb, config.sessionTableName),
    subtype: config.subtype,
  })
);
