import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';

/**
 * The bridge's idempotent functions take their key (an id) as the hashed
 * argument. A JMESPath in the config would select nothing from that string,
 * and Powertools would then skip deduplication without a word: refuse it.
 */
export const checkKeyedOnArgument = (config: IdempotencyConfig): void => {
  if (config.eventKeyJmesPath !== '') {
    throw new Error(
      `The idempotency config must hash the key argument as it is, without eventKeyJmesPath (got ${JSON.stringify(config.eventKeyJmesPath)})`
    );
  }
};
