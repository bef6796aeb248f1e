import { randomBytes, randomUUID } from 'node:crypto';
import { awsError, type RecordedRequest, type Reply } from './endpoint';
import {
  listNameOf,
  type OptOutEntry,
  type OptOutLists,
  optedOutNumbersOperation,
} from './opted-out-numbers';

/**
 * A phone number's state, with the members DescribePhoneNumbers returns
 * (https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_PhoneNumberInformation.html).
 */
export interface LocalPhoneNumber {
  PhoneNumberId: string;
  PhoneNumberArn: string;
  PhoneNumber: string;
  TwoWayEnabled: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
  /** `LONG_CODE`, `SHORT_CODE`, `SIMULATOR`, `TEN_DLC` or `TOLL_FREE`. */
  NumberType: string;
  /** The two-letter country the number belongs to (`US`). */
  IsoCountryCode: string;
  PoolId?: string;
}

/** A pool's state, with the members DescribePools returns. */
export interface LocalPool {
  PoolId: string;
  PoolArn: string;
  TwoWayEnabled: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled: boolean;
  OptOutListName: string;
}

export interface SentTextMessage {
  readonly MessageId: string;
  readonly DestinationPhoneNumber: string;
  readonly OriginationIdentity?: string;
  readonly MessageBody?: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface OptedOutNumber {
  readonly OptOutListName: string;
  readonly OptedOutNumber: string;
}

type TwoWayMembers = Pick<
  LocalPhoneNumber,
  | 'TwoWayEnabled'
  | 'TwoWayChannelArn'
  | 'TwoWayChannelRole'
  | 'SelfManagedOptOutsEnabled'
>;

export const SMS_VOICE_OPERATIONS = [
  'DescribePhoneNumbers',
  'UpdatePhoneNumber',
  'DescribePools',
  'UpdatePool',
  'SendTextMessage',
  'PutOptedOutNumber',
  'DescribeOptedOutNumbers',
] as const;
export type SmsVoiceOperation = (typeof SMS_VOICE_OPERATIONS)[number];

/**
 * An End User Messaging error as the service sends it: AWS JSON 1.0 with
 * the error's extra members (`Reason`, `ResourceType`, ...) in the body.
 */
export const smsVoiceError = (
  status: number,
  type: string,
  message: string,
  members: Readonly<Record<string, unknown>> = {}
): Reply => {
  const reply = awsError(status, type, message) as {
    status: number;
    headers: Record<string, string>;
    body: Record<string, unknown>;
  };
  return { ...reply, body: { ...reply.body, ...members } };
};

const hex32 = () => randomBytes(16).toString('hex');
const CREATED = 1_700_000_000;

/**
 * An in-memory End User Messaging (`X-Amz-Target:
 * PinpointSMSVoiceV2.<Operation>`) with phone numbers, pools, sent text
 * messages and opt-out lists (read with `DescribeOptedOutNumbers`, see
 * `opted-out-numbers.ts`). Tests add numbers and pools, read the state
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
  const optOutLists: OptOutLists = new Map([['Default', new Map()]]);
  const optedOut = optedOutNumbersOperation(
    optOutLists,
    (name) => arnOf('opt-out-list', name),
    smsVoiceError
  );
  const sentTextMessages: SentTextMessage[] = [];
  const failures = new Map<string, { reply: Reply; times: number }>();

  const addPhoneNumber = (
    number: string,
    state: Partial<
      Omit<LocalPhoneNumber, 'PhoneNumberArn' | 'PhoneNumber'>
    > = {}
  ): LocalPhoneNumber => {
    const id = state.PhoneNumberId ?? `phone-${hex32()}`;
    const entry: LocalPhoneNumber = {
      ...NEW_ORIGINATION,
      ...NEW_PHONE_NUMBER,
      ...state,
      PhoneNumberId: id,
      PhoneNumberArn: arnOf('phone-number', id),
      PhoneNumber: number,
    };
    phoneNumbers.set(id, entry);
    return entry;
  };

  const addPool = (
    state: Partial<Omit<LocalPool, 'PoolArn'>> = {},
    members: readonly LocalPhoneNumber[] = []
  ): LocalPool => {
    const id = state.PoolId ?? `pool-${hex32()}`;
    const entry: LocalPool = {
      ...NEW_ORIGINATION,
      ...state,
      PoolId: id,
      PoolArn: arnOf('pool', id),
    };
    pools.set(id, entry);
    for (const member of members) member.PoolId = id;
    return entry;
  };

  const addOptOutList = (name: string) => {
    optOutLists.set(name, optOutLists.get(name) ?? new Map());
  };

  /**
   * What End User Messaging does when a customer texts STOP to a number
   * with AWS-managed opt-outs: the number joins the list, with
   * `EndUserOptedOut` true. `at` backdates the entry.
   */
  const endUserOptOut = (
    number: string,
    { list = 'Default', at = new Date() }: { list?: string; at?: Date } = {}
  ): void => {
    const entries = optOutLists.get(list);
    if (!entries) throw new Error(`no opt-out list ${list}`);
    entries.set(number, {
      number,
      optedOutAt: at.getTime(),
      endUserOptedOut: true,
    });
  };

  /** Makes the next `times` calls of `operation` answer `reply`. */
  const failNext = (operation: SmsVoiceOperation, reply: Reply, times = 1) => {
    failures.set(operation, { reply, times });
  };

  /** Finds an entry by its id or its ARN (which ends in the id). */
  const finder =
    <T>(entries: ReadonlyMap<string, T>) =>
    (idOrArn: unknown): T | undefined =>
      typeof idOrArn === 'string'
        ? entries.get(idOrArn.slice(idOrArn.lastIndexOf('/') + 1))
        : undefined;
  const findPhoneNumber = finder(phoneNumbers);
  const findPool = finder(pools);

  const notFound = (type: string, id: unknown) =>
    smsVoiceError(400, 'ResourceNotFoundException', `${type} not found`, {
      ResourceType: type,
      ResourceId: String(id),
    });

  /**
   * What a Describe operation answers: every entry when `ids` is no list,
   * else the entries it names, or not found for the first unknown id.
   */
  const describeAll = <T>(
    ids: unknown,
    entries: ReadonlyMap<string, T>,
    type: string,
    answer: (found: T[]) => unknown
  ): Reply => {
    if (!Array.isArray(ids)) return ok(answer([...entries.values()]));
    const found = ids.map(finder(entries));
    const missing = ids.find((_, index) => found[index] === undefined);
    if (missing !== undefined) return notFound(type, missing);
    return ok(answer(found as T[]));
  };

  const validation = (reason: string, message: string) =>
    smsVoiceError(400, 'ValidationException', message, { Reason: reason });

  /** Applies the two-way members of an update, as the service checks them. */
  const applyTwoWay = (
    entry: TwoWayMembers,
    input: Record<string, unknown>
  ): Reply | undefined => {
    const { TwoWayChannelArn: arn, TwoWayChannelRole: role } = input;
    if (
      arn !== undefined &&
      (typeof arn !== 'string' || !/^\S{20,2048}$/.test(arn))
    ) {
      return validation('FIELD_VALIDATION_FAILED', 'invalid TwoWayChannelArn');
    }
    if (
      role !== undefined &&
      (typeof role !== 'string' || !/^arn:\S{16,2044}$/.test(role))
    ) {
      return validation('FIELD_VALIDATION_FAILED', 'invalid TwoWayChannelRole');
    }
    const next: TwoWayMembers = {
      TwoWayEnabled: booleanOr(input.TwoWayEnabled, entry.TwoWayEnabled),
      TwoWayChannelArn: (arn as string | undefined) ?? entry.TwoWayChannelArn,
      TwoWayChannelRole:
        (role as string | undefined) ?? entry.TwoWayChannelRole,
      SelfManagedOptOutsEnabled: booleanOr(
        input.SelfManagedOptOutsEnabled,
        entry.SelfManagedOptOutsEnabled
      ),
    };
    if (next.TwoWayEnabled && next.TwoWayChannelArn === undefined) {
      return validation(
        'TWO_WAY_CHANNEL_NOT_PRESENT',
        'two-way needs a TwoWayChannelArn'
      );
    }
    if (
      next.SelfManagedOptOutsEnabled &&
      !entry.SelfManagedOptOutsEnabled &&
      !next.TwoWayEnabled
    ) {
      return validation(
        'TWO_WAY_NOT_ENABLED',
        'enable two-way SMS before self-managed opt-outs'
      );
    }
    Object.assign(entry, withoutUndefined(next));
    return undefined;
  };

  const operations: Record<
    SmsVoiceOperation,
    (input: Record<string, unknown>) => Reply
  > = {
    DescribePhoneNumbers: (input) =>
      describeAll(
        input.PhoneNumberIds,
        phoneNumbers,
        'phone-number',
        (found) => ({
          PhoneNumbers: found.map(described),
        })
      ),
    UpdatePhoneNumber: (input) => {
      const entry = findPhoneNumber(input.PhoneNumberId);
      if (!entry) return notFound('phone-number', input.PhoneNumberId);
      if (entry.PoolId !== undefined) {
        return smsVoiceError(
          400,
          'ConflictException',
          'phone number is associated with a pool',
          {
            Reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL',
            ResourceType: 'phone-number',
            ResourceId: entry.PhoneNumberId,
          }
        );
      }
      return applyTwoWay(entry, input) ?? ok(described(entry));
    },
    DescribePools: (input) =>
      describeAll(input.PoolIds, pools, 'pool', (found) => ({
        Pools: found.map(describedPool),
      })),
    UpdatePool: (input) => {
      const entry = findPool(input.PoolId);
      if (!entry) return notFound('pool', input.PoolId);
      return applyTwoWay(entry, input) ?? ok(describedPool(entry));
    },
    SendTextMessage: (input) => {
      const destination = input.DestinationPhoneNumber;
      if (typeof destination !== 'string') {
        return validation('MISSING_PARAMETER', 'DestinationPhoneNumber');
      }
      const origin =
        findPhoneNumber(input.OriginationIdentity) ??
        [...phoneNumbers.values()].find(
          (n) => n.PhoneNumber === input.OriginationIdentity
        );
      const list = origin?.OptOutListName ?? 'Default';
      if (optOutLists.get(list)?.has(destination)) {
        return smsVoiceError(
          400,
          'ConflictException',
          'destination phone number is opted out',
          { Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' }
        );
      }
      const message: SentTextMessage = {
        MessageId: randomUUID(),
        DestinationPhoneNumber: destination,
        ...(typeof input.OriginationIdentity === 'string'
          ? { OriginationIdentity: input.OriginationIdentity }
          : {}),
        ...(typeof input.MessageBody === 'string'
          ? { MessageBody: input.MessageBody }
          : {}),
        input,
      };
      sentTextMessages.push(message);
      return ok({ MessageId: message.MessageId });
    },
    PutOptedOutNumber: (input) => {
      const { OptOutListName: name, OptedOutNumber: number } = input;
      if (typeof name !== 'string' || typeof number !== 'string') {
        return validation(
          'MISSING_PARAMETER',
          'OptOutListName and OptedOutNumber are required'
        );
      }
      const listName = listNameOf(name);
      const list = optOutLists.get(listName);
      if (!list) return notFound('opt-out-list', name);
      // The account's own entry; a number already on the list keeps its
      // entry (AWS does not document whether a repeat changes it).
      const entry: OptOutEntry = list.get(number) ?? {
        number,
        optedOutAt: Date.now(),
        endUserOptedOut: false,
      };
      list.set(number, entry);
      return ok({
        OptOutListArn: arnOf('opt-out-list', listName),
        OptOutListName: listName,
        OptedOutNumber: number,
        OptedOutTimestamp: entry.optedOutAt / 1000,
        EndUserOptedOut: entry.endUserOptedOut,
      });
    },
    DescribeOptedOutNumbers: (input) => optedOut.describe(input),
  };

  const respond = (request: RecordedRequest): Reply => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^PinpointSMSVoiceV2\./, '');
    if (!isOperation(operation) || operation === target) {
      return smsVoiceError(400, 'UnknownOperationException', target);
    }
    const failure = failures.get(operation);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) failures.delete(operation);
      return failure.reply;
    }
    const input = (request.json ?? {}) as Record<string, unknown>;
    return operations[operation](input);
  };

  /** The requests' inputs of one operation, in the order they arrived. */
  const calls = (
    requests: readonly RecordedRequest[],
    operation: SmsVoiceOperation
  ) =>
    requests
      .filter(
        (r) => r.headers['x-amz-target'] === `PinpointSMSVoiceV2.${operation}`
      )
      .map((r) => r.json as Record<string, unknown>);

  return {
    respond,
    addPhoneNumber,
    addPool,
    addOptOutList,
    endUserOptOut,
    expireNextTokens: optedOut.expireNextTokens,
    failNext,
    calls,
    phoneNumber: (idOrArn: string) => findPhoneNumber(idOrArn),
    pool: (idOrArn: string) => findPool(idOrArn),
    optedOutNumbers: (): OptedOutNumber[] =>
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

const isOperation = (name: string): name is SmsVoiceOperation =>
  (SMS_VOICE_OPERATIONS as readonly string[]).includes(name);

const ok = (body: unknown): Reply => ({ status: 200, body });

/** The settings a new phone number or pool starts with. */
const NEW_ORIGINATION = {
  TwoWayEnabled: false,
  SelfManagedOptOutsEnabled: false,
  OptOutListName: 'Default',
} as const;

/**
 * What a new phone number is unless a test says otherwise: a US 10DLC
 * number, the kind the test numbers (+1 206 ...) would be, and one that
 * self-managed opt-outs are allowed on.
 */
const NEW_PHONE_NUMBER = {
  NumberType: 'TEN_DLC',
  IsoCountryCode: 'US',
} as const;

const booleanOr = (value: unknown, fallback: boolean): boolean =>
  typeof value === 'boolean' ? value : fallback;

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined)
  ) as T;

const described = (entry: LocalPhoneNumber) => ({
  ...entry,
  Status: 'ACTIVE',
  MessageType: 'TRANSACTIONAL',
  NumberCapabilities: ['SMS'],
  MonthlyLeasingPrice: '2.00',
  DeletionProtectionEnabled: false,
  CreatedTimestamp: CREATED,
});

const describedPool = (entry: LocalPool) => ({
  ...entry,
  Status: 'ACTIVE',
  MessageType: 'TRANSACTIONAL',
  SharedRoutesEnabled: false,
  DeletionProtectionEnabled: false,
  CreatedTimestamp: CREATED,
});
