import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Dynalite = (options: { createTableMs?: number }) => Server;
const dynalite = require('dynalite') as Dynalite;

/** A DynamoDB request as it reached dynalite. */
export interface DynamoDbCall {
  /** `PutItem`, `UpdateItem`, ... from `X-Amz-Target`. */
  readonly operation: string;
  readonly json: unknown;
}

export interface CountingDynamoDb {
  readonly url: string;
  /** Calls per operation since the last `reset`. */
  counts(): Record<string, number>;
  reset(): void;
  /** Keeps the bodies of the calls from now on (until `reset`). */
  capture(): void;
  captured(): readonly DynamoDbCall[];
  close(): Promise<void>;
}

/**
 * dynalite on 127.0.0.1 that also counts the calls it gets by operation,
 * listening beside dynalite's own handler so its answers are unchanged.
 */
export const startCountingDynalite = async (): Promise<CountingDynamoDb> => {
  const server = dynalite({ createTableMs: 0 });
  let counts: Record<string, number> = {};
  let capturing = false;
  let calls: DynamoDbCall[] = [];
  server.on('request', (req: IncomingMessage) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    counts[operation] = (counts[operation] ?? 0) + 1;
    if (!capturing) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls.push({
        operation,
        json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
      calls = [];
      capturing = false;
    },
    capture: () => {
      capturing = true;
    },
    captured: () => calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
};
