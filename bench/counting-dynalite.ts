import type { IncomingMessage } from 'node:http';
import { type LocalDynamoDb, startDynalite } from '../tools/harness/dynalite';

/** A DynamoDB request as it reached dynalite. */
export interface DynamoDbCall {
  /** `PutItem`, `UpdateItem`, ... from `X-Amz-Target`. */
  readonly operation: string;
  readonly json: unknown;
}

export interface CountingDynamoDb extends LocalDynamoDb {
  /** Calls per operation since the last `reset`. */
  counts(): Record<string, number>;
  reset(): void;
  /** Keeps the bodies of the calls from now on (until `reset`). */
  capture(): void;
  captured(): readonly DynamoDbCall[];
}

/**
 * dynalite on 127.0.0.1 that also counts the calls it gets by operation,
 * listening beside dynalite's own handler so its answers are unchanged.
 */
export const startCountingDynalite = async (): Promise<CountingDynamoDb> => {
  let counts: Record<string, number> = {};
  let capturing = false;
  let calls: DynamoDbCall[] = [];
  const count = (req: IncomingMessage) => {
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
  };
  const { url, close } = await startDynalite({ onRequest: count });
  return {
    url,
    close,
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
  };
};
