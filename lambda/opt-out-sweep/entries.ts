import { createHash } from 'node:crypto';

/**
 * The sweep's pure parts: which entries of the opt-out list are new, where
 * the next run starts, and the key that marks an entry as handled.
 *
 * `DescribeOptedOutNumbers` has no "since" filter, and AWS documents
 * neither the order of its entries nor how long a `NextToken` lives. So
 * the sweep reads the whole list in *passes*, a bounded number of pages a
 * run, and keeps a cursor:
 *
 * - `watermark`: entries opted out at or before it were handled by an
 *   earlier pass (or predate the sweep) and are ignored.
 * - `passStartedAt`, `nextToken`: where the pass under way continues.
 *
 * When a pass ends, the watermark moves to the pass's start less a clock
 * margin: every entry on the list when the pass began has been read, and
 * any added since is newer than the new watermark, so the next pass reads
 * it, whatever the order of the pages. An entry read twice (within the
 * margin, or on a page read again) is held back by its marker.
 */

/** One end-user opt-out the sweep acts on. */
export interface OptOut {
  /** The customer's number, in E.164. Never logged as it is. */
  readonly number: string;
  /** When End User Messaging recorded it, in epoch milliseconds. */
  readonly optedOutAt: number;
}

/** An entry of the list as the SDK returns it. */
export interface ListedEntry {
  readonly OptedOutNumber?: string;
  readonly OptedOutTimestamp?: Date;
  readonly EndUserOptedOut?: boolean;
}

export interface Cursor {
  /** Epoch milliseconds; entries at or before it are ignored. */
  readonly watermark: number;
  /** Epoch milliseconds: when the pass under way read its first page. */
  readonly passStartedAt: number;
  /** Where the pass under way continues; none between passes. */
  readonly nextToken?: string;
}

/** The documented maximum of `MaxResults`: the fewest calls per pass. */
export const PAGE_SIZE = 100;
/**
 * Pages read per run: up to 1,000 entries, one call to End User Messaging
 * every few seconds at most. A list of up to 1,000 end-user opt-outs is
 * read whole every minute; a longer one takes a minute per 1,000.
 */
export const MAX_PAGES_PER_RUN = 10;
/**
 * No new page or entry is started with less than this left of the
 * invocation: ending one customer's chats takes a few calls, each with
 * its own timeout (REQUEST_TIMEOUTS). The cursor stays on the page, and
 * the next run reads it again.
 */
export const MIN_REMAINING_MS = 15_000;
/**
 * The first run looks this far back: Connect's default chat duration
 * (25 hours), the longest a chat the bridge opened can still be open.
 */
export const FIRST_RUN_LOOKBACK_MS = 25 * 60 * 60 * 1000;
/**
 * How far the watermark stays behind a pass's start: the entry's time is
 * End User Messaging's clock, the pass's is the function's, and a new
 * entry may show in the list a little after its time.
 */
export const CLOCK_MARGIN_MS = 5 * 60 * 1000;

export const firstCursor = (now: number): Cursor => ({
  watermark: now - FIRST_RUN_LOOKBACK_MS,
  passStartedAt: now,
});

/**
 * The end-user opt-outs of a page newer than the watermark. The request
 * already filters on `end-user-opted-out`; an entry without the flag, or
 * with it false (the bridge's own PutOptedOutNumber under self-managed
 * opt-outs, whose STOP reached the chat already), is left alone here too.
 */
export const newEndUserOptOuts = (
  entries: readonly ListedEntry[],
  watermark: number
): OptOut[] =>
  entries.flatMap((entry) => {
    const optedOutAt = entry.OptedOutTimestamp?.getTime();
    if (
      entry.EndUserOptedOut !== true ||
      entry.OptedOutNumber === undefined ||
      optedOutAt === undefined ||
      Number.isNaN(optedOutAt) ||
      optedOutAt <= watermark
    ) {
      return [];
    }
    return [{ number: entry.OptedOutNumber, optedOutAt }];
  });

/**
 * The cursor once a page is done: on to the next page of the pass, or,
 * after its last page, a new watermark and no pass under way.
 */
export const afterPage = (
  cursor: Cursor,
  passStartedAt: number,
  nextToken: string | undefined
): Cursor =>
  nextToken === undefined
    ? {
        watermark: Math.max(cursor.watermark, passStartedAt - CLOCK_MARGIN_MS),
        passStartedAt,
      }
    : { watermark: cursor.watermark, passStartedAt, nextToken };

/** The pass under way starts again from its first page. */
export const restartPass = (cursor: Cursor, now: number): Cursor => ({
  watermark: cursor.watermark,
  passStartedAt: now,
});

/**
 * The marker key of one opt-out and one of the bridge's numbers: a hash,
 * so no phone number is stored in the table's keys. A customer who opts
 * in and out again gets a new entry time, and so new markers.
 */
export const markerKeyOf = (
  optOutListName: string,
  optOut: OptOut,
  bridgeNumber: string
): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        optOutListName,
        optOut.number,
        optOut.optedOutAt,
        bridgeNumber,
      ])
    )
    .digest('hex');

/** The request for a page of the list's end-user opt-outs. */
export const listRequest = (
  optOutListName: string,
  nextToken: string | undefined
) => ({
  OptOutListName: optOutListName,
  Filters: [{ Name: 'end-user-opted-out' as const, Values: ['true'] }],
  MaxResults: PAGE_SIZE,
  ...(nextToken === undefined ? {} : { NextToken: nextToken }),
});
