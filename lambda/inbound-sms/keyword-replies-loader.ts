import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { REQUEST_TIMEOUTS } from '../shared/request-timeouts';
import type { BridgeConfig } from './config';
import type { Deliver } from './delivery';

export interface KeywordReplyOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The function's own idempotency config, registered on each invocation. */
  readonly idempotencyConfig: IdempotencyConfig;
}

/**
 * The delivery as it is, or, when the numbers use self-managed opt-outs,
 * with the bridge answering STOP and HELP (`keyword-replies.ts`). Only then
 * are the End User Messaging client and the replies loaded, and only with
 * the first opt-out or HELP text: neither the cold start nor any other
 * text pays for the SDK client.
 */
export const answerKeywords = (
  deliver: Deliver,
  config: BridgeConfig,
  options: KeywordReplyOptions
): Deliver => {
  const settings = config.keywordReplies;
  if (settings === undefined) return deliver;
  const load = () =>
    Promise.all([
      import('../shared/sms-voice'),
      import('./keyword-replies'),
    ]).then(([{ PinpointSMSVoiceV2Client }, { withKeywordReplies }]) =>
      withKeywordReplies(deliver, {
        sms: new PinpointSMSVoiceV2Client({
          requestHandler: REQUEST_TIMEOUTS,
        }),
        settings,
        isOptOut: config.isOptOut,
        phoneNumberArns: config.phoneNumberArns,
        confirmations: {
          persistenceStore: new DynamoDBPersistenceLayer({
            tableName: config.idempotencyTableName,
          }),
          config: options.idempotencyConfig,
        },
        logger: options.logger,
        metrics: options.metrics,
      })
    );
  let replies: Promise<Deliver> | undefined;
  return async (sms) => {
    if (
      !config.isOptOut(sms.messageBody) &&
      !settings.isHelp(sms.messageBody)
    ) {
      return deliver(sms);
    }
    replies ??= load();
    return (await replies)(sms);
  };
};
