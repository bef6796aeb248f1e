import type { IncomingMessage, Server } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type LoopbackServer, serveOnLoopback } from '../local-aws/endpoint';

// dynalite ships no types.
const dynalite = require('dynalite') as (options: object) => Server;

export const startDynalite = (
  options: { readonly onRequest?: (request: IncomingMessage) => void } = {}
): Promise<LoopbackServer> => {
  const server = dynalite({ createTableMs: 0 });
  if (options.onRequest) server.on('request', options.onRequest);
  return serveOnLoopback(server);
};

export type TableKeySchema = Required<
  Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions'>
>;

export const stringHashKey = (name: string): TableKeySchema => ({
  KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: name, AttributeType: 'S' }],
});

export const localDynamoDbClient = (url: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export const createTable = async (
  url: string,
  TableName: string,
  key: TableKeySchema
): Promise<void> => {
  const client = localDynamoDbClient(url);
  const input = { TableName, ...key, BillingMode: 'PAY_PER_REQUEST' } as const;
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists(
    { client, maxWaitTime: 10, minDelay: 0.01 },
    { TableName }
  );
  client.destroy();
};

/** The idempotency table's name in the stack bin/app.ts builds. */
export const IDEMPOTENCY_TABLE_NAME = 'SmsConnectBridge-IdempotencyTable';

export const createIdempotencyTable = (
  url: string,
  tableName: string
): Promise<void> => createTable(url, tableName, stringHashKey('id'));
