import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChatToEnd, EndChat } from '../../lambda/opt-out-sweep/end-chat';
import type { ListedEntry } from '../../lambda/opt-out-sweep/entries';
import {
  createSweep,
  type ListedPage,
  type SweepSummary,
} from '../../lambda/opt-out-sweep/sweep';
import { SweepStore } from '../../lambda/opt-out-sweep/sweep-store';
import {
  createIdempotencyTable,
  localDynamoDbClient,
  startDynalite,
} from '../../tools/harness/dynalite';

const TABLE = 'SmsConnectBridge-IdempotencyTable';

/** The bridge's numbers in the sweep tests. */
export const BRIDGE_NUMBERS = ['+12065550100', '+12065550101'] as const;

export interface LoggedLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/**
 * The opt-out list as pages of `pageSize` entries, in the order given.
 * A NextToken is the position of the next page; `expireTokens` makes the
 * issued ones invalid, as End User Messaging answers a stale one.
 */
export const fakeList = (pageSize: number) => {
  const entries: ListedEntry[] = [];
  const issued = new Set<string>();
  const calls: (string | undefined)[] = [];
  const listPage = async (
    nextToken: string | undefined
  ): Promise<ListedPage> => {
    calls.push(nextToken);
    if (nextToken !== undefined && !issued.has(nextToken)) {
      throw Object.assign(new Error('invalid NextToken'), {
        name: 'ValidationException',
        Reason: 'INVALID_NEXT_TOKEN',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const offset =
      nextToken === undefined ? 0 : Number(nextToken.split('#')[1]);
    const next = offset + pageSize;
    let token: string | undefined;
    if (next < entries.length) {
      token = `${issued.size}#${next}`;
      issued.add(token);
    }
    return {
      entries: entries.slice(offset, next),
      ...(token === undefined ? {} : { nextToken: token }),
    };
  };
  return {
    entries,
    calls,
    listPage,
    /** A customer's STOP, recorded by End User Messaging at `at`. */
    optOut: (number: string, at: number) => {
      entries.push({
        OptedOutNumber: number,
        OptedOutTimestamp: new Date(at),
        EndUserOptedOut: true,
      });
    },
    expireTokens: () => issued.clear(),
  };
};

export type FakeList = ReturnType<typeof fakeList>;

export interface SweepFixture {
  readonly list: FakeList;
  /** Every chat the sweep asked to end, in order, across runs. */
  readonly endings: ChatToEnd[];
  readonly logs: LoggedLine[];
  readonly metrics: { name: string; value: number }[];
  readonly store: SweepStore;
  /** How the next chats end; by default each is found and ended. */
  endChatWith(endChat: EndChat): void;
  /** One invocation, with the state the earlier ones left. */
  run(options?: {
    readonly claimant?: string;
    readonly remainingMs?: () => number;
  }): Promise<SweepSummary>;
  /** The sweep's items of the table (cursor and markers). */
  items(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * The sweep over a fake list and a fake chat ender, with its state in the
 * idempotency table of a local DynamoDB (dynalite), as the function keeps
 * it. Each run is a fresh sweep, as a new invocation is.
 */
export const startSweepFixture = async ({
  pageSize = 2,
  now = Date.now,
}: {
  readonly pageSize?: number;
  readonly now?: () => number;
} = {}): Promise<SweepFixture> => {
  const dynamoDb = await startDynalite();
  await createIdempotencyTable(dynamoDb.url, TABLE);
  const client = localDynamoDbClient(dynamoDb.url);
  const store = new SweepStore(client, TABLE, 'Default');
  const list = fakeList(pageSize);
  const endings: ChatToEnd[] = [];
  const logs: LoggedLine[] = [];
  const metrics: { name: string; value: number }[] = [];
  let endChat: EndChat = async () => ({ contactId: 'contact-1' });
  let runs = 0;
  const log =
    (level: LoggedLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      logs.push({ level, message, fields });
    };
  return {
    list,
    endings,
    logs,
    metrics,
    store,
    endChatWith: (next) => {
      endChat = next;
    },
    run: (options = {}) =>
      createSweep({
        listPage: list.listPage,
        store,
        endChat: (chat) => {
          endings.push(chat);
          return endChat(chat);
        },
        optOutListName: 'Default',
        bridgeNumbers: BRIDGE_NUMBERS,
        logger: {
          info: log('info'),
          warn: log('warn'),
          error: log('error'),
        } as never,
        metrics: {
          addMetric: (name: string, _unit: unknown, value: number) => {
            metrics.push({ name, value });
          },
        } as never,
        now,
      })({
        claimant: options.claimant ?? `invocation-${++runs}`,
        remainingMs: options.remainingMs ?? (() => 50_000),
      }),
    items: async () => {
      const { Items = [] } = await client.send(
        new ScanCommand({ TableName: TABLE, ConsistentRead: true })
      );
      return Items.map((item) => unmarshall(item));
    },
    close: async () => {
      client.destroy();
      await dynamoDb.close();
    },
  };
};
