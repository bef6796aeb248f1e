import { randomBytes, randomUUID } from 'node:crypto';
import type {
  NumberType,
  SendTextMessageRequest,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { type ZodType, z } from 'zod';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

/** End User Messaging errors carry extra members (`Reason`, `ResourceType`) in the body. */
export const smsVoiceError = awsError;

interface Origination {
  TwoWayEnabled: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
}

/**
 * A phone number's state, with the members DescribePhoneNumbers returns
 * (https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_PhoneNumberInformation.html).
 */
export interface LocalPhoneNumber extends Origination {
  PhoneNumberId: string;
  PhoneNumberArn: string;
  PhoneNumber: string;
  NumberType: NumberType;
  IsoCountryCode: string;
  PoolId?: string;
}

export type LocalPool = Origination & { PoolId: string; PoolArn: string };

/** When a number was opted out, and whether by the customer (STOP). */
interface OptOut {
  readonly at: number;
  readonly endUser: boolean;
}

class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super('refused');
  }
}

const refuse = (...error: Parameters<typeof awsError>): never => {
  throw new Refusal(awsError(...error));
};

/** The input as `schema` parses it, or ValidationException with AWS's `Reason` and `Fields`. */
const parsed = <T>(schema: ZodType<T>, input: Record<string, unknown>): T => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = issue?.path.join('.') ?? '';
  const reason =
    issue?.code === 'custom'
      ? String(issue.params?.reason)
      : input[String(issue?.path[0])] === undefined
        ? 'MISSING_PARAMETER'
        : 'FIELD_VALIDATION_FAILED';
  return refuse(400, 'ValidationException', `${field}: ${issue?.message}`, {
    Reason: reason,
    Fields: [{ Name: field, Message: issue?.message }],
  });
};

const PHONE_NUMBER = z.string().regex(/^\+?[1-9][0-9]{1,18}$/);
const LIST_NAME_OR_ARN = z.string().regex(/^[A-Za-z0-9_:/-]{1,256}$/);

/** UpdatePhoneNumber's and UpdatePool's two-way members (botocore's model). */
const TWO_WAY = z
  .object({
    TwoWayEnabled: z.boolean(),
    TwoWayChannelArn: z.string().regex(/^\S{20,2048}$/),
    TwoWayChannelRole: z.string().regex(/^arn:\S{16,2044}$/),
    SelfManagedOptOutsEnabled: z.boolean(),
  })
  .partial();

const SEND_TEXT_MESSAGE = z.object({
  DestinationPhoneNumber: z.string(),
  OriginationIdentity: z.string().optional(),
  MessageBody: z.string().optional(),
});

/**
 * DescribeOptedOutNumbers' limits
 * (https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_DescribeOptedOutNumbers.html).
 * Filter values other than "true" and "false" are INVALID_FILTER_VALUES.
 */
const DESCRIBE_OPTED_OUT = z.object({
  OptOutListName: LIST_NAME_OR_ARN,
  OptedOutNumbers: z.array(PHONE_NUMBER).max(5).optional(),
  Filters: z
    .array(
      z.object({
        Name: z.literal('end-user-opted-out'),
        Values: z
          .array(z.string().regex(/^[/.:A-Za-z0-9+_-]{1,128}$/))
          .min(1)
          .max(20)
          .refine((values) => values.every((v) => /^(true|false)$/.test(v)), {
            params: { reason: 'INVALID_FILTER_VALUES' },
          }),
      })
    )
    .max(20)
    .optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().min(1).max(1024).optional(),
});

/** The id or name an ARN (`...:<type>/<id>`) ends in; an id stays itself. */
const idOf = (idOrArn: string) => idOrArn.slice(idOrArn.lastIndexOf('/') + 1);

const NEW_ORIGINATION = {
  TwoWayEnabled: false,
  SelfManagedOptOutsEnabled: false,
  OptOutListName: 'Default',
};

/** What Describe* answers beside the state; CreatedTimestamp in epoch seconds, as AWS JSON 1.0 sends it. */
const DESCRIBED = {
  Status: 'ACTIVE',
  MessageType: 'TRANSACTIONAL',
  DeletionProtectionEnabled: false,
  CreatedTimestamp: 1_700_000_000,
};

/**
 * An in-memory End User Messaging (`X-Amz-Target:
 * PinpointSMSVoiceV2.<Operation>`) with phone numbers, pools, sent text
 * messages and opt-out lists. Tests add numbers and pools, read the state
 * back, and make the next calls of an operation fail with `failNext`.
 */
export const smsVoiceResponder = ({
  region = 'us-east-1',
  account = '111122223333',
} = {}) => {
  const arnOf = (type: string, id: string) =>
    `arn:aws:sms-voice:${region}:${account}:${type}/${id}`;
  const phoneNumbers = new Map<string, LocalPhoneNumber>();
  const pools = new Map<string, LocalPool>();
  const optOutLists = new Map([['Default', new Map<string, OptOut>()]]);
  /** DescribeOptedOutNumbers' NextTokens, each for the query that issued it. */
  const issued = new Map<string, { query: string; offset: number }>();
  const sentTextMessages: (SendTextMessageRequest & {
    readonly MessageId: string;
    readonly input: Readonly<Record<string, unknown>>;
  })[] = [];
  const failures = new Map<string, { reply: Reply; times: number }>();

  const found = <T>(
    entries: ReadonlyMap<string, T>,
    type: string,
    idOrArn: unknown
  ): T =>
    (typeof idOrArn === 'string' && entries.get(idOf(idOrArn))) ||
    refuse(400, 'ResourceNotFoundException', `${type} not found`, {
      ResourceType: type,
      ResourceId: String(idOrArn),
    });

  /** Every entry when `ids` is no list, else those it names. */
  const described = <T>(
    ids: unknown,
    entries: ReadonlyMap<string, T>,
    type: string
  ): T[] =>
    Array.isArray(ids)
      ? ids.map((id) => found(entries, type, id))
      : [...entries.values()];

  /**
   * Two-way needs a channel, and self-managed opt-outs need two-way first
   * (https://docs.aws.amazon.com/sms-voice/latest/userguide/opt-out-list-self-managed.html);
   * a number in a pool is updated through its pool
   * (https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_UpdatePhoneNumber.html).
   */
  const updateTwoWay = (entry: Origination, input: Record<string, unknown>) => {
    const update = parsed(TWO_WAY, input);
    const next = { ...entry, ...update };
    const invalid = (Reason: string, message: string) =>
      refuse(400, 'ValidationException', message, { Reason });
    if (next.TwoWayEnabled && next.TwoWayChannelArn === undefined) {
      invalid(
        'TWO_WAY_CHANNEL_NOT_PRESENT',
        'two-way needs a TwoWayChannelArn'
      );
    }
    if (
      next.SelfManagedOptOutsEnabled &&
      !entry.SelfManagedOptOutsEnabled &&
      !next.TwoWayEnabled
    ) {
      invalid(
        'TWO_WAY_NOT_ENABLED',
        'enable two-way before self-managed opt-outs'
      );
    }
    return Object.assign(entry, update);
  };

  const operations = {
    DescribePhoneNumbers: (input: Record<string, unknown>) => ({
      PhoneNumbers: described(
        input.PhoneNumberIds,
        phoneNumbers,
        'phone-number'
      ).map((entry) => ({
        ...entry,
        ...DESCRIBED,
        NumberCapabilities: ['SMS'],
        MonthlyLeasingPrice: '2.00',
      })),
    }),
    UpdatePhoneNumber: (input: Record<string, unknown>) => {
      const entry = found(phoneNumbers, 'phone-number', input.PhoneNumberId);
      if (entry.PoolId !== undefined) {
        refuse(400, 'ConflictException', 'the number is in a pool', {
          Reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL',
          ResourceType: 'phone-number',
          ResourceId: entry.PhoneNumberId,
        });
      }
      return { ...updateTwoWay(entry, input), ...DESCRIBED };
    },
    DescribePools: (input: Record<string, unknown>) => ({
      Pools: described(input.PoolIds, pools, 'pool').map((entry) => ({
        ...entry,
        ...DESCRIBED,
        SharedRoutesEnabled: false,
      })),
    }),
    UpdatePool: (input: Record<string, unknown>) => ({
      ...updateTwoWay(found(pools, 'pool', input.PoolId), input),
      ...DESCRIBED,
    }),
    /**
     * A number on the sender's opt-out list is not texted: ConflictException
     * DESTINATION_PHONE_NUMBER_OPTED_OUT
     * (https://docs.aws.amazon.com/sms-voice/latest/userguide/opt-out-list.html).
     */
    SendTextMessage: (input: Record<string, unknown>) => {
      const message = parsed(SEND_TEXT_MESSAGE, input);
      const origin = [...phoneNumbers.values()].find((n) =>
        [n.PhoneNumberId, n.PhoneNumberArn, n.PhoneNumber].includes(
          `${message.OriginationIdentity}`
        )
      );
      const list = optOutLists.get(origin?.OptOutListName ?? 'Default');
      if (list?.has(message.DestinationPhoneNumber)) {
        refuse(400, 'ConflictException', 'destination is opted out', {
          Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
        });
      }
      const MessageId = randomUUID();
      sentTextMessages.push({ MessageId, ...message, input });
      return { MessageId };
    },
    PutOptedOutNumber: (input: Record<string, unknown>) => {
      const { OptOutListName, OptedOutNumber } = parsed(
        z.object({ OptOutListName: z.string(), OptedOutNumber: z.string() }),
        input
      );
      const name = idOf(OptOutListName);
      const list = found(optOutLists, 'opt-out-list', OptOutListName);
      // A number already on the list keeps its entry (AWS does not say).
      const entry = list.get(OptedOutNumber) ?? {
        at: Date.now(),
        endUser: false,
      };
      list.set(OptedOutNumber, entry);
      return {
        OptOutListArn: arnOf('opt-out-list', name),
        OptOutListName: name,
        OptedOutNumber,
        OptedOutTimestamp: entry.at / 1000,
        EndUserOptedOut: entry.endUser,
      };
    },
    /**
     * What AWS leaves undocumented, decided here: entries come in number
     * order (nothing may lean on time order); a page holds 100 entries
     * without MaxResults; a NextToken works only for the query that issued
     * it, until `expireNextTokens`; paging reads the list as it is at each
     * call; a valid number not on the list is ResourceNotFoundException for
     * an `opted-out-number`.
     */
    DescribeOptedOutNumbers: (input: Record<string, unknown>) => {
      const request = parsed(DESCRIBE_OPTED_OUT, input);
      const { OptedOutNumbers: numbers = [], Filters: filters = [] } = request;
      const name = idOf(request.OptOutListName);
      const list = found(optOutLists, 'opt-out-list', request.OptOutListName);
      for (const number of numbers) found(list, 'opted-out-number', number);
      const query = JSON.stringify({ name, numbers, filters });
      const token = issued.get(request.NextToken ?? '');
      if (request.NextToken !== undefined && token?.query !== query) {
        refuse(400, 'ValidationException', 'NextToken is not valid', {
          Reason: 'INVALID_NEXT_TOKEN',
          Fields: [{ Name: 'NextToken', Message: 'is not valid' }],
        });
      }
      const offset = token ? token.offset : 0;
      const size = request.MaxResults ?? 100;
      const matching = [...list]
        .filter(([number]) => !numbers.length || numbers.includes(number))
        .filter(([, { endUser }]) =>
          filters.every(({ Values }) => Values.includes(`${endUser}`))
        )
        .sort(([a], [b]) => a.localeCompare(b));
      let NextToken: string | undefined;
      if (offset + size < matching.length) {
        NextToken = randomUUID();
        issued.set(NextToken, { query, offset: offset + size });
      }
      return {
        OptOutListArn: arnOf('opt-out-list', name),
        OptOutListName: name,
        OptedOutNumbers: matching
          .slice(offset, offset + size)
          .map(([OptedOutNumber, { at, endUser }]) => ({
            OptedOutNumber,
            OptedOutTimestamp: at / 1000,
            EndUserOptedOut: endUser,
          })),
        ...(NextToken === undefined ? {} : { NextToken }),
      };
    },
  };
  type Operation = keyof typeof operations;

  const respond = (request: RecordedRequest): Reply => {
    const target = String(request.headers['x-amz-target']);
    const operation = target.replace(/^PinpointSMSVoiceV2\./, '');
    if (operation === target || !Object.hasOwn(operations, operation)) {
      return awsError(400, 'UnknownOperationException', target);
    }
    const failure = failures.get(operation);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) failures.delete(operation);
      return failure.reply;
    }
    const input = (request.json ?? {}) as Record<string, unknown>;
    try {
      return { status: 200, body: operations[operation as Operation](input) };
    } catch (error) {
      if (error instanceof Refusal) return error.reply;
      throw error;
    }
  };

  return {
    respond,
    /** A US 10DLC number on the Default list, unless `state` says otherwise. */
    addPhoneNumber: (
      number: string,
      state: Partial<
        Omit<LocalPhoneNumber, 'PhoneNumberArn' | 'PhoneNumber'>
      > = {}
    ): LocalPhoneNumber => {
      const id =
        state.PhoneNumberId ?? `phone-${randomBytes(16).toString('hex')}`;
      const entry: LocalPhoneNumber = {
        ...NEW_ORIGINATION,
        NumberType: 'TEN_DLC',
        IsoCountryCode: 'US',
        ...state,
        PhoneNumberId: id,
        PhoneNumberArn: arnOf('phone-number', id),
        PhoneNumber: number,
      };
      phoneNumbers.set(id, entry);
      return entry;
    },
    addPool: (
      state: Partial<Omit<LocalPool, 'PoolArn'>> = {},
      members: readonly LocalPhoneNumber[] = []
    ): LocalPool => {
      const id = state.PoolId ?? `pool-${randomBytes(16).toString('hex')}`;
      const entry = {
        ...NEW_ORIGINATION,
        ...state,
        PoolId: id,
        PoolArn: arnOf('pool', id),
      };
      pools.set(id, entry);
      for (const member of members) member.PoolId = id;
      return entry;
    },
    addOptOutList: (name: string) => {
      optOutLists.set(name, optOutLists.get(name) ?? new Map());
    },
    /** A customer's STOP to a number with AWS-managed opt-outs; `at` backdates it. */
    endUserOptOut: (
      number: string,
      { list = 'Default', at = new Date() }: { list?: string; at?: Date } = {}
    ): void => {
      found(optOutLists, 'opt-out-list', list).set(number, {
        at: at.getTime(),
        endUser: true,
      });
    },
    /** Makes every issued NextToken invalid, as one past its (unknown) lifetime. */
    expireNextTokens: () => issued.clear(),
    /** Makes the next `times` calls of `operation` answer `reply`. */
    failNext: (operation: Operation, reply: Reply, times = 1) => {
      failures.set(operation, { reply, times });
    },
    /** The requests' inputs of one operation, in the order they arrived. */
    calls: (requests: readonly RecordedRequest[], operation: Operation) =>
      requests
        .filter(
          (r) => r.headers['x-amz-target'] === `PinpointSMSVoiceV2.${operation}`
        )
        .map((r) => r.json as Record<string, unknown>),
    phoneNumber: (idOrArn: string) => phoneNumbers.get(idOf(idOrArn)),
    pool: (idOrArn: string) => pools.get(idOf(idOrArn)),
    optedOutNumbers: () =>
      [...optOutLists].flatMap(([OptOutListName, entries]) =>
        [...entries.keys()].map((OptedOutNumber) => ({
          OptOutListName,
          OptedOutNumber,
        }))
      ),
    sentTextMessages,
  };
};

export type SmsVoiceResponder = ReturnType<typeof smsVoiceResponder>;
