import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
// By name, so that esbuild bundles only this much of the SDK client.
import {
  DescribeOptedOutNumbersCommand,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { Context } from 'aws-lambda';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import type { SweepConfig } from './config';
import type { EndChat } from './end-chat';
import { listRequest } from './entries';
import { createSweep } from './sweep';
import { SweepStore } from './sweep-store';

export type SweepHandler = (event: unknown, context: Context) => Promise<void>;

/**
 * The sweep as both delivery modes run it on their schedule: the list read
 * with End User Messaging, the state in `stateTableName`, chats ended the
 * mode's way. The event (EventBridge's scheduled event) carries nothing
 * the sweep needs. A run that leaves a chat open throws, so the alarm on
 * the function's errors fires.
 */
export const createSweepHandler = (
  config: SweepConfig,
  dynamodb: DynamoDBClient,
  endChat: EndChat
): SweepHandler => {
  const logger = new Logger();
  const metrics = new Metrics();
  const sms = new PinpointSMSVoiceV2Client({
    requestHandler: REQUEST_TIMEOUTS,
  });
  const sweep = createSweep({
    listPage: async (nextToken) => {
      const page = await sms.send(
        new DescribeOptedOutNumbersCommand(
          listRequest(config.optOutListName, nextToken)
        )
      );
      return {
        entries: page.OptedOutNumbers ?? [],
        ...(page.NextToken ? { nextToken: page.NextToken } : {}),
      };
    },
    store: new SweepStore(
      dynamodb,
      config.stateTableName,
      config.optOutListName
    ),
    endChat,
    optOutListName: config.optOutListName,
    bridgeNumbers: [...config.phoneNumberArns.keys()],
    logger,
    metrics,
  });
  return async (_event, context) => {
    logger.addContext(context);
    try {
      await sweep({
        claimant: context.awsRequestId,
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};
