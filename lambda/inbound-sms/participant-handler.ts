import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectParticipantClient } from '@aws-sdk/client-connectparticipant';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FlowMessageSender } from '../participant/flow-messages';
import { sentPartConfig } from '../participant/sent-part-record';
import { SessionStore } from '../participant/session-store';
import { connectRetryMode } from '../shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { deliverByParticipant } from './deliver-participant';
import { createInboundEntry } from './inbound-entry';
import { loadParticipantConfig } from './participant-config';

const config = loadParticipantConfig(process.env);
const retryMode = connectRetryMode(process.env);
const participant = new ConnectParticipantClient({
  requestHandler: REQUEST_TIMEOUTS,
  retryMode,
});
const dynamodb = new DynamoDBClient({});
/** The sent-part markers the outbound function keeps too. */
const sentParts = sentPartConfig();
let flowMessages: Promise<FlowMessageSender> | undefined;

/** Entry point of the `participant` delivery mode. */
export const handler = createInboundEntry(
  config,
  ({ logger, metrics, sendParts, registerIdempotencyConfig }) => {
    registerIdempotencyConfig(sentParts);
    return deliverByParticipant({
      connect: new ConnectClient({
        requestHandler: REQUEST_TIMEOUTS,
        retryMode,
      }),
      participant,
      sessions: new SessionStore(dynamodb, config.sessionTableName),
      config,
      logger,
      metrics,
      sendParts,
      // Loaded with the first new chat: the cold start does not pay for
      // the End User Messaging client.
      flowMessages: () => {
        flowMessages ??= import('../participant/flow-messages').then(
          (loaded) =>
            loaded.loadFlowMessageSender({
              participant,
              dynamodb,
              sessionTableName: config.sessionTableName,
              keyPrefix: config.sentPartKeyPrefix,
              config: sentParts,
              notices: config.notices,
            }),
          (error: unknown) => {
            flowMessages = undefined;
            throw error;
          }
        );
        return flowMessages;
      },
    });
  }
);
