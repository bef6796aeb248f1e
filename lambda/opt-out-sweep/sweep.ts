import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { maskPhoneNumber } from '../shared/mask';
import {
  errorNameOf,
  httpStatusOf,
  UndeliverableError,
} from '../shared/undeliverable';
import type { EndChat } from './end-chat';
import {
  afterPage,
  type Cursor,
  firstCursor,
  type ListedEntry,
  MAX_PAGES_PER_RUN,
  MIN_REMAINING_MS,
  markerKeyOf,
  newEndUserOptOuts,
  type OptOut,
  restartPass,
} from './entries';
import type { ClaimResult, StoredCursor } from './sweep-store';

/** One page of the opt-out list, end-user entries only. */
export interface ListedPage {
  readonly entries: readonly ListedEntry[];
  readonly nextToken?: string;
}

export interface SweepDependencies {
  /** `DescribeOptedOutNumbers` on the bridge's list, from `nextToken`. */
  readonly listPage: (nextToken: string | undefined) => Promise<ListedPage>;
  readonly store: {
    loadCursor(): Promise<StoredCursor | undefined>;
    saveCursor(cursor: Cursor, version: number): Promise<boolean>;
    claim(markerKey: string, claimant: string): Promise<ClaimResult>;
    settle(
      markerKey: string,
      claimant: string,
      state: 'ended' | 'failed'
    ): Promise<void>;
    release(markerKey: string, claimant: string): Promise<void>;
  };
  readonly endChat: EndChat;
  readonly optOutListName: string;
  /** The bridge's numbers, in E.164: each opt-out ends a chat with each. */
  readonly bridgeNumbers: readonly string[];
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly metrics: Pick<Metrics, 'addMetric'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** One invocation of the sweep. */
export interface SweepRun {
  /** The invocation's id: it claims the markers. */
  readonly claimant: string;
  /** What is left of the invocation, in milliseconds. */
  readonly remainingMs: () => number;
}

/** What a run did, as logged (counts only). */
export interface SweepSummary {
  pagesRead: number;
  optOutsFound: number;
  /** Opt-out and number pairs this run ended (or found no chat for). */
  handled: number;
  chatsEnded: number;
  passCompleted: boolean;
  permanentFailures: number;
  transientFailures: number;
}

/**
 * A run left chats of opted-out customers open: the function fails, so the
 * alarm on its errors fires. The log has each one (numbers masked).
 */
export class SweepFailedError extends Error {
  constructor(summary: SweepSummary) {
    super(
      `${summary.permanentFailures} chat(s) of opted-out customers could not be ended and ${summary.transientFailures} will be tried again next run; see the log`
    );
    this.name = 'SweepFailedError';
  }
}

/** End User Messaging no longer takes the pass's NextToken. */
const isInvalidNextToken = (error: unknown): boolean =>
  errorNameOf(error) === 'ValidationException' &&
  (error as { Reason?: unknown }).Reason === 'INVALID_NEXT_TOKEN';

/**
 * The opt-out sweep: reads the new end-user entries of the opt-out list
 * (see `entries.ts` for the cursor) and ends each customer's chat with
 * each of the bridge's numbers, once: a marker per opt-out and number is
 * claimed first, and a marker another run settled or holds is left alone.
 *
 * A run reads at most `MAX_PAGES_PER_RUN` pages and stops with
 * `MIN_REMAINING_MS` left; the next run, a minute later, goes on from the
 * cursor. A transient failure leaves the cursor on its page, so the next
 * run reads the page again and retries; a permanent one is logged and
 * settled as failed. Either fails the run.
 */
export const createSweep = (deps: SweepDependencies) => {
  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;

  const logFields = (optOut: OptOut, bridgeNumber: string) => ({
    customer: maskPhoneNumber(optOut.number),
    bridgeNumber: maskPhoneNumber(bridgeNumber),
    optedOutAt: new Date(optOut.optedOutAt).toISOString(),
  });

  /**
   * Ends one customer's chat with one number, unless another run did or is
   * doing it. False when the page must be read again (a transient failure,
   * or another run still holds the marker).
   */
  const endOnce = async (
    run: SweepRun,
    optOut: OptOut,
    bridgeNumber: string,
    summary: SweepSummary
  ): Promise<boolean> => {
    const key = markerKeyOf(deps.optOutListName, optOut, bridgeNumber);
    const claim = await deps.store.claim(key, run.claimant);
    if (claim === 'settled') return true;
    if (claim === 'busy') return false;
    try {
      const ending = await deps.endChat({
        customerNumber: optOut.number,
        bridgeNumber,
        clientToken: key,
      });
      await deps.store.settle(key, run.claimant, 'ended');
      summary.handled++;
      if (ending.contactId !== undefined) {
        summary.chatsEnded++;
        metrics.addMetric('ChatsEnded', MetricUnit.Count, 1);
      }
      logger.info(
        ending.contactId === undefined
          ? 'Opt-out swept: no open chat with this number'
          : "Opt-out swept: the customer's chat is ended",
        {
          ...logFields(optOut, bridgeNumber),
          contactId: ending.contactId,
          outcome: ending.contactId === undefined ? 'no-chat' : 'ended',
        }
      );
      return true;
    } catch (error) {
      const fields = {
        ...logFields(optOut, bridgeNumber),
        errorName: errorNameOf(error),
        httpStatusCode: httpStatusOf(error),
      };
      if (error instanceof UndeliverableError) {
        await deps.store.settle(key, run.claimant, 'failed');
        summary.permanentFailures++;
        metrics.addMetric('PermanentFailures', MetricUnit.Count, 1);
        logger.error(
          "The opted-out customer's chat could not be ended; end it by hand",
          { ...fields, outcome: 'failed', detail: error.detail }
        );
        return true;
      }
      await deps.store.release(key, run.claimant);
      summary.transientFailures++;
      metrics.addMetric('TransientFailures', MetricUnit.Count, 1);
      logger.warn('Transient failure; the next run tries again', {
        ...fields,
        outcome: 'retry',
      });
      return false;
    }
  };

  /** Whether every opt-out of the page is done with. */
  const sweepPage = async (
    run: SweepRun,
    optOuts: readonly OptOut[],
    summary: SweepSummary
  ): Promise<boolean> => {
    let complete = true;
    for (const optOut of optOuts) {
      for (const bridgeNumber of deps.bridgeNumbers) {
        if (run.remainingMs() < MIN_REMAINING_MS) return false;
        complete =
          (await endOnce(run, optOut, bridgeNumber, summary)) && complete;
      }
    }
    return complete;
  };

  return async (run: SweepRun): Promise<SweepSummary> => {
    const summary: SweepSummary = {
      pagesRead: 0,
      optOutsFound: 0,
      handled: 0,
      chatsEnded: 0,
      passCompleted: false,
      permanentFailures: 0,
      transientFailures: 0,
    };
    const stored = await deps.store.loadCursor();
    let cursor = stored?.cursor ?? firstCursor(now());
    let version = stored?.version ?? 0;
    /** False when another run saved the cursor first: this one stops. */
    const save = async (next: Cursor): Promise<boolean> => {
      if (!(await deps.store.saveCursor(next, version))) {
        logger.info('Another run moved the cursor on; this run stops', {
          outcome: 'overtaken',
        });
        return false;
      }
      cursor = next;
      version += 1;
      return true;
    };

    for (let call = 0; call < MAX_PAGES_PER_RUN; call++) {
      if (run.remainingMs() < MIN_REMAINING_MS) break;
      const passStartedAt =
        cursor.nextToken === undefined ? now() : cursor.passStartedAt;
      let page: ListedPage;
      try {
        page = await deps.listPage(cursor.nextToken);
      } catch (error) {
        if (cursor.nextToken === undefined || !isInvalidNextToken(error)) {
          throw error;
        }
        // How long a token lives is not documented: read the list again
        // from the start, under the same watermark.
        logger.warn('The pass NextToken is no longer valid; it starts again', {
          outcome: 'pass-restarted',
        });
        if (!(await save(restartPass(cursor, now())))) break;
        continue;
      }
      summary.pagesRead++;
      const optOuts = newEndUserOptOuts(page.entries, cursor.watermark);
      summary.optOutsFound += optOuts.length;
      // Not done: the cursor stays, and the next run reads the page again.
      if (!(await sweepPage(run, optOuts, summary))) break;
      if (!(await save(afterPage(cursor, passStartedAt, page.nextToken)))) {
        break;
      }
      if (page.nextToken === undefined) {
        summary.passCompleted = true;
        break;
      }
    }

    // Every run emits it, so a sweep that stops running shows as a gap.
    metrics.addMetric('OptOutsSwept', MetricUnit.Count, summary.handled);
    logger.info('Opt-out sweep run done', { ...summary, outcome: 'swept' });
    if (summary.permanentFailures > 0 || summary.transientFailures > 0) {
      throw new SweepFailedError(summary);
    }
    return summary;
  };
};

export type Sweep = ReturnType<typeof createSweep>;
