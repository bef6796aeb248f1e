import { Logger } from '@aws-lambda-powertools/logger';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { configure, type OnEventResponse, restore } from './lifecycle';
import { parseTarget } from './settings';

const logger = new Logger();
const client = new PinpointSMSVoiceV2Client({});

/**
 * `onEvent` of a CDK provider: sets one phone number's or pool's two-way
 * channel to the inbound topic, and puts its previous settings back when
 * the resource is deleted. A thrown error fails the deployment; its message
 * is the reason CloudFormation shows.
 */
export const handler = async (
  event: CloudFormationCustomResourceEvent
): Promise<OnEventResponse> => {
  const fields = {
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
  };
  try {
    if (event.RequestType === 'Delete') {
      const outcome = await restore(client, event.PhysicalResourceId);
      logger.info('Two-way settings restored', { ...fields, outcome });
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const target = parseTarget(event.ResourceProperties);
    const { response, outcome } = await configure(
      client,
      target,
      event.RequestType === 'Update' ? event.PhysicalResourceId : undefined
    );
    logger.info('Two-way settings applied', {
      ...fields,
      outcome,
      arn: response.Data?.Arn,
    });
    return response;
  } catch (error) {
    logger.error('Two-way settings failed', {
      ...fields,
      reason: (error as Error).message,
    });
    throw error;
  }
};
