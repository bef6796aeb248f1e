import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { deliverByParticipant } from './deliver-participant';
import { createInboundEntry } from './inbound-entry';
import { loadParticipantConfig } from './participant-config';
import { SessionStore } from './session-store';

const config = loadParticipantConfig(process.env);

/** Entry point of the `participant` delivery mode. */
export const handler = createInboundEntry(config, ({ logger, sendParts }) =>
  deliverByParticipant({
    connect: new ConnectClient({ requestHandler: REQUEST_TIMEOUTS }),
    participant: new ConnectParticipantClient({
      requestHandler: REQUEST_TIMEOUTS,
    }),
    sessions: new SessionStore(new DynamoDBClient({}), config.sessionTableName),
    config,
    logger,
    sendParts,
  })
);
