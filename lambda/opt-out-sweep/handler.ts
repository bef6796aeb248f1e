import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import { loadSweepConfig } from './config';
import { createSweepHandler } from './create-handler';
import { endByIntegrationEvent } from './end-by-integration-event';

const config = loadSweepConfig(process.env);

/** Entry point of the opt-out sweep in `integration-event` mode. */
export const handler = createSweepHandler(
  config,
  new DynamoDBClient({}),
  endByIntegrationEvent(
    new ConnectClient({ requestHandler: REQUEST_TIMEOUTS }),
    config
  )
);
