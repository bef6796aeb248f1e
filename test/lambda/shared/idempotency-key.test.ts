import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { checkKeyedOnArgument } from '../../../lambda/shared/idempotency-key';

describe('checkKeyedOnArgument', () => {
  it('accepts a config that hashes the key argument as it is', () => {
    // Prepare
    const config = new IdempotencyConfig({ expiresAfterSeconds: 3600 });

    // Act
    const check = () => checkKeyedOnArgument(config);

    // Assess
    expect(check).not.toThrow();
  });

  it('refuses a config that selects the key through eventKeyJmesPath, naming it', () => {
    // Prepare: it would select nothing from an id and skip deduplication
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'inboundMessageId',
    });

    // Act
    const check = () => checkKeyedOnArgument(config);

    // Assess
    expect(check).toThrow(
      'The idempotency config must hash the key argument as it is, without eventKeyJmesPath (got "inboundMessageId")'
    );
  });
});
