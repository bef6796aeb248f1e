import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
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
 * are the End User Messaging client and the replies loaded, starting at
 * cold start: a bridge without them never pays for the SDK client.
 */
export const answerKeywords = (
  deliver: Deliver,
  config: BridgeConfig,
  options: KeywordReplyOptions
): Deliver => {
  const settings = config.keywordReplies;
  if (settings === undefined) return deliver;
  const ready = Promise.all([
    import('@aws-sdk/client-pinpoint-sms-voice-v2'),
    import('./keyword-replies'),
  ]).then(([{ PinpointSMSVoiceV2Client }, { withKeywordReplies }]) =>
    withKeywordReplies(deliver, {
      sms: new PinpointSMSVoiceV2Client({
        // A hung call is retried within the invocation, as Connect's are.
        requestHandler: {
          connectionTimeout: 3_000,
          requestTimeout: 6_000,
          throwOnRequestTimeout: true,
        },
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
  // Not left unhandled before the first text: each text then fails with it.
  ready.catch(() => undefined);
  return async (sms) => (await ready)(sms);
};
