import type { IncomingMessage, Server } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { type LoopbackServer, serveOnLoopback } from '../local-aws/endpoint';

/** dynalite ships no types; this is the part of its API used here. */
type Dynalite = (options: { createTableMs?: number }) => Server;
const dynalite = require('dynalite') as Dynalite;

/** The local DynamoDB: its `url` is for `AWS_ENDPOINT_URL_DYNAMODB`. */
export type LocalDynamoDb = LoopbackServer;

export interface DynaliteOptions {
  /**
   * Sees each request as it arrives, beside dynalite's own handler, so
   * dynalite's answers stay the same.
   * @default - none
   */
  readonly onRequest?: (request: IncomingMessage) => void;
}

/** An in-memory DynamoDB (dynalite) on 127.0.0.1, on a free port. */
export const startDynalite = (
  options: DynaliteOptions = {}
): Promise<LocalDynamoDb> => {
  const server = dynalite({ createTableMs: 0 });
  if (options.onRequest) server.on('request', options.onRequest);
  return serveOnLoopback(server);
};

/** A table's key as a template declares it (`KeySchema` and its attributes). */
export interface TableKeySchema {
  readonly KeySchema: readonly {
    readonly AttributeName: string;
    readonly KeyType: 'HASH' | 'RANGE';
  }[];
  readonly AttributeDefinitions: readonly {
    readonly AttributeName: string;
    readonly AttributeType: 'S' | 'N' | 'B';
  }[];
}

/** A key of one string attribute, the partition key. */
export const stringHashKey = (attributeName: string): TableKeySchema => ({
  KeySchema: [{ AttributeName: attributeName, KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: attributeName, AttributeType: 'S' }],
});

/** The idempotency table's key as the construct defines it: `id`, a string. */
export const IDEMPOTENCY_TABLE_KEY: TableKeySchema = stringHashKey('id');

/** A client of the local DynamoDB, with credentials it ignores. */
export const localDynamoDbClient = (url: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Creates an on-demand table with this key and waits until it is active. */
export const createTable = async (
  url: string,
  tableName: string,
  key: TableKeySchema
): Promise<void> => {
  const client = localDynamoDbClient(url);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [...key.KeySchema],
        AttributeDefinitions: [...key.AttributeDefinitions],
        BillingMode: 'PAY_PER_REQUEST',
      })
    );
    for (;;) {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: tableName })
      );
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    client.destroy();
  }
};

/** Creates the idempotency table as the construct defines it. */
export const createIdempotencyTable = (
  url: string,
  tableName: string
): Promise<void> => createTable(url, tableName, IDEMPOTENCY_TABLE_KEY);
