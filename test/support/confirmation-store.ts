import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createIdempotencyTable,
  localDynamoDbClient,
  startDynalite,
} from '../../tools/harness/dynalite';
import { fakeContext } from '../../tools/harness/lambda-context';

/**
 * The idempotency table in dynalite, where the keyword replies mark a sent
 * confirmation, with the config the inbound function registers its
 * context on. Each `confirmations()` is a fresh store over the same table,
 * as a new function instance would have.
 */
export interface ConfirmationStore {
  confirmations(): {
    persistenceStore: DynamoDBPersistenceLayer;
    config: IdempotencyConfig;
  };
  close(): Promise<void>;
}

export const startConfirmationStore = async (): Promise<ConfirmationStore> => {
  const dynamoDb = await startDynalite();
  const tableName = 'SmsConnectBridge-IdempotencyTable';
  await createIdempotencyTable(dynamoDb.url, tableName);
  const clients: DynamoDBClient[] = [];
  return {
    confirmations: () => {
      const client = localDynamoDbClient(dynamoDb.url);
      clients.push(client);
      const config = new IdempotencyConfig({ expiresAfterSeconds: 3600 });
      config.registerLambdaContext(fakeContext());
      return {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName,
          awsSdkV3Client: client,
        }),
        config,
      };
    },
    close: async () => {
      for (const client of clients) client.destroy();
      await dynamoDb.close();
    },
  };
};
