import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** dynalite ships no types; this is the part of its API used here. */
type Dynalite = (options: { createTableMs?: number }) => Server;
const dynalite = require('dynalite') as Dynalite;

export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly url: string;
  close(): Promise<void>;
}

/** An in-memory DynamoDB (dynalite) on 127.0.0.1, on a free port. */
export const startDynalite = async (): Promise<LocalDynamoDb> => {
  const server = dynalite({ createTableMs: 0 });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
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

/** The idempotency table's key as the construct defines it: `id`, a string. */
export const IDEMPOTENCY_TABLE_KEY: TableKeySchema = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
};

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
