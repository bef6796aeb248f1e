import { ConnectClient } from '@aws-sdk/client-connect';
import { connectRetryMode } from '../shared/connect-retry';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { loadConfig } from './config';
import { deliverByIntegrationEvent } from './deliver-integration-event';
import { createInboundEntry } from './inbound-entry';

const config = loadConfig(process.env);

/** Entry point of the `integration-event` delivery mode. */
export const handler = createInboundEntry(config, ({ sendParts }) =>
  deliverByIntegrationEvent(
    new ConnectClient({
      requestHandler: REQUEST_TIMEOUTS,
      retryMode: connectRetryMode(process.env),
    }),
    config,
    sendParts
  )
);
