import { randomUUID } from 'node:crypto';
import type { Reply } from './endpoint';

/**
 * End User Messaging's opt-out lists as `DescribeOptedOutNumbers` reads
 * them, with the limits and errors of its API reference (and the service
 * model botocore ships, pinpoint-sms-voice-v2 2022-03-31):
 *
 * - `OptOutListName` (required): a name or an ARN, 1 to 256 of
 *   `[A-Za-z0-9_:/-]`; an unknown list is ResourceNotFoundException.
 * - `OptedOutNumbers`: at most 5 phone numbers (`\+?[1-9][0-9]{1,18}`).
 * - `Filters`: at most 20, each `Name` `end-user-opted-out` with 1 to 20
 *   `Values` of 1 to 128 characters.
 * - `MaxResults`: 1 to 100. `NextToken`: 1 to 1,024 characters.
 *
 * What AWS leaves undocumented, the stand-in decides, and says so:
 *
 * - Order: by phone number, not by time, so that nothing may lean on the
 *   newest or the oldest entry coming first.
 * - A page without `MaxResults` holds 100 entries.
 * - A `NextToken` works only for the query that issued it (same list,
 *   numbers and filters); `expireNextTokens` makes every issued one
 *   invalid, as a token that outlived the service's unknown lifetime.
 * - Paging reads the list as it is at each call: an entry added between
 *   two pages before the token's position is not in the rest of the pass.
 * - A valid number not on the list is ResourceNotFoundException for an
 *   `opted-out-number` (a resource type the model lists).
 * - Filter values other than "true" and "false" are INVALID_FILTER_VALUES.
 */

/** One opted-out number of a list. */
export interface OptOutEntry {
  readonly number: string;
  /** When it was opted out, in epoch milliseconds. */
  readonly optedOutAt: number;
  /** Whether the customer opted out (STOP), not the account's own call. */
  readonly endUserOptedOut: boolean;
}

export type OptOutLists = Map<string, Map<string, OptOutEntry>>;

const LIST_NAME_OR_ARN = /^[A-Za-z0-9_:/-]{1,256}$/;
const PHONE_NUMBER = /^\+?[1-9][0-9]{1,18}$/;
const FILTER_VALUE = /^[/.:A-Za-z0-9+_-]{1,128}$/;
const DEFAULT_PAGE_SIZE = 100;

/** The list name a name or an ARN (`...:opt-out-list/<name>`) stands for. */
export const listNameOf = (nameOrArn: string): string =>
  nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

type ErrorReply = (
  status: number,
  type: string,
  message: string,
  members?: Readonly<Record<string, unknown>>
) => Reply;

/** A page of query results, and the position the next page starts at. */
interface IssuedToken {
  readonly query: string;
  readonly offset: number;
}

export const optedOutNumbersOperation = (
  lists: OptOutLists,
  arnOf: (listName: string) => string,
  error: ErrorReply
) => {
  const issued = new Map<string, IssuedToken>();

  const invalid = (
    field: string,
    message: string,
    reason = 'FIELD_VALIDATION_FAILED'
  ) =>
    error(400, 'ValidationException', `${field}: ${message}`, {
      Reason: reason,
      Fields: [{ Name: field, Message: message }],
    });

  /** The first way the input breaks the documented limits, if any. */
  const validate = (input: Record<string, unknown>): Reply | undefined => {
    const { OptOutListName, OptedOutNumbers, Filters, MaxResults, NextToken } =
      input;
    if (OptOutListName === undefined) {
      return invalid('OptOutListName', 'is required', 'MISSING_PARAMETER');
    }
    if (
      typeof OptOutListName !== 'string' ||
      !LIST_NAME_OR_ARN.test(OptOutListName)
    ) {
      return invalid('OptOutListName', 'must match [A-Za-z0-9_:/-]{1,256}');
    }
    if (OptedOutNumbers !== undefined) {
      if (!Array.isArray(OptedOutNumbers) || OptedOutNumbers.length > 5) {
        return invalid('OptedOutNumbers', 'must list at most 5 numbers');
      }
      if (
        !OptedOutNumbers.every(
          (n) => typeof n === 'string' && n.length <= 20 && PHONE_NUMBER.test(n)
        )
      ) {
        return invalid('OptedOutNumbers', 'must hold phone numbers');
      }
    }
    if (Filters !== undefined) {
      if (!Array.isArray(Filters) || Filters.length > 20) {
        return invalid('Filters', 'must list at most 20 filters');
      }
      for (const filter of Filters as { Name?: unknown; Values?: unknown }[]) {
        if (filter?.Name !== 'end-user-opted-out') {
          return invalid('Filters.Name', 'must be end-user-opted-out');
        }
        const values = filter.Values;
        if (
          !Array.isArray(values) ||
          values.length < 1 ||
          values.length > 20 ||
          !values.every((v) => typeof v === 'string' && FILTER_VALUE.test(v))
        ) {
          return invalid('Filters.Values', 'must list 1 to 20 values');
        }
        if (!values.every((v) => v === 'true' || v === 'false')) {
          return invalid(
            'Filters.Values',
            'must be true or false',
            'INVALID_FILTER_VALUES'
          );
        }
      }
    }
    if (
      MaxResults !== undefined &&
      (!Number.isInteger(MaxResults) ||
        (MaxResults as number) < 1 ||
        (MaxResults as number) > 100)
    ) {
      return invalid('MaxResults', 'must be between 1 and 100');
    }
    if (
      NextToken !== undefined &&
      (typeof NextToken !== 'string' ||
        NextToken.length < 1 ||
        NextToken.length > 1024)
    ) {
      return invalid('NextToken', 'must be 1 to 1024 characters');
    }
    return undefined;
  };

  const describe = (input: Record<string, unknown>): Reply => {
    const failure = validate(input);
    if (failure) return failure;
    const name = listNameOf(input.OptOutListName as string);
    const list = lists.get(name);
    if (!list) {
      return error(400, 'ResourceNotFoundException', 'opt-out list not found', {
        ResourceType: 'opt-out-list',
        ResourceId: String(input.OptOutListName),
      });
    }
    const numbers = (input.OptedOutNumbers as string[] | undefined) ?? [];
    const missing = numbers.find((number) => !list.has(number));
    if (missing !== undefined) {
      return error(
        400,
        'ResourceNotFoundException',
        'opted-out number not found',
        { ResourceType: 'opted-out-number', ResourceId: missing }
      );
    }
    const filters = (input.Filters as { Values: string[] }[] | undefined) ?? [];
    const query = JSON.stringify({ name, numbers, filters });
    let offset = 0;
    if (input.NextToken !== undefined) {
      const token = issued.get(input.NextToken as string);
      if (token === undefined || token.query !== query) {
        return invalid('NextToken', 'is not valid', 'INVALID_NEXT_TOKEN');
      }
      offset = token.offset;
    }
    const matching = [...list.values()]
      .filter((entry) => numbers.length === 0 || numbers.includes(entry.number))
      .filter((entry) =>
        filters.every(({ Values }) =>
          Values.includes(String(entry.endUserOptedOut))
        )
      )
      .sort((a, b) => a.number.localeCompare(b.number));
    const size = (input.MaxResults as number | undefined) ?? DEFAULT_PAGE_SIZE;
    const page = matching.slice(offset, offset + size);
    let nextToken: string | undefined;
    if (offset + size < matching.length) {
      nextToken = randomUUID();
      issued.set(nextToken, { query, offset: offset + size });
    }
    return {
      status: 200,
      body: {
        OptOutListArn: arnOf(name),
        OptOutListName: name,
        OptedOutNumbers: page.map((entry) => ({
          OptedOutNumber: entry.number,
          // AWS JSON 1.0 sends timestamps as epoch seconds.
          OptedOutTimestamp: entry.optedOutAt / 1000,
          EndUserOptedOut: entry.endUserOptedOut,
        })),
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      },
    };
  };

  return {
    describe,
    /** Makes every token issued so far invalid. */
    expireNextTokens: () => issued.clear(),
  };
};
