import { randomBytes, randomUUID } from 'node:crypto';
import type { NumberType } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { type ZodType, z } from 'zod';
import { awsError, type RecordedRequest, type Reply } from './endpoint';

const NEW_ORIGINATION = {
  TwoWayEnabled: false,
  SelfManagedOptOutsEnabled: false,
  OptOutListName: 'Default',
  Status: 'ACTIVE',
  MessageType: 'TRANSACTIONAL',
  DeletionProtectionEnabled: false,
  CreatedTimestamp: 1_700_000_000,
};
type Origination = typeof NEW_ORIGINATION & z.infer<typeof TWO_WAY>;

/** https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_PhoneNumberInformation.html */
type LocalPhoneNumber = Origination & {
  PhoneNumberId: string;
  PhoneNumberArn: string;
  PhoneNumber: string;
  NumberType: NumberType;
  IsoCountryCode: string;
  NumberCapabilities: string[];
  MonthlyLeasingPrice: string;
  PoolId?: string;
};

type Input = Record<string, unknown>;

class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super('refused');
  }
}

const refuse = (...error: Parameters<typeof awsError>): never => {
  throw new Refusal(awsError(...error));
};

const parsed = <T>(schema: ZodType<T>, input: Input): T => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const { path, message } = issue;
  const Reason =
    issue.code === 'custom'
      ? String(issue.params?.reason)
      : input[String(path[0])] === undefined
        ? 'MISSING_PARAMETER'
        : 'FIELD_VALIDATION_FAILED';
  const Name = path.join('.');
  return refuse(400, 'ValidationException', `${Name}: ${message}`, {
    Reason,
    Fields: [{ Name, Message: message }],
  });
};

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

const FILTER = z.object({
  Name: z.literal('end-user-opted-out'),
  Values: z
    .array(z.string().regex(/^[/.:A-Za-z0-9+_-]{1,128}$/))
    .min(1)
    .max(20)
    .refine((values) => values.every((v) => /^(true|false)$/.test(v)), {
      params: { reason: 'INVALID_FILTER_VALUES' },
    }),
});

// https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_DescribeOptedOutNumbers.html
const DESCRIBE_OPTED_OUT_NUMBERS = z
  .object({
    OptedOutNumbers: z.array(z.string().regex(/^\+?[1-9][0-9]{1,18}$/)).max(5),
    Filters: z.array(FILTER).max(20),
    MaxResults: z.number().int().min(1).max(100),
    NextToken: z.string().min(1).max(1024),
  })
  .partial()
  .extend({ OptOutListName: z.string().regex(/^[A-Za-z0-9_:/-]{1,256}$/) });

/** AWS JSON 1.0 sends times in epoch seconds. */
const optedOut = (number: string, at: Date, byEndUser: boolean) => ({
  OptedOutNumber: number,
  OptedOutTimestamp: at.getTime() / 1000,
  EndUserOptedOut: byEndUser,
});
type OptedOutEntry = ReturnType<typeof optedOut>;

/** The id or name an ARN (`...:<type>/<id>`) ends in. */
const idOf = (idOrArn: string) => idOrArn.slice(idOrArn.lastIndexOf('/') + 1);

export const smsVoiceResponder = ({
  region = 'us-east-1',
  account = '111122223333',
} = {}) => {
  const arnOf = (type: string, id: string) =>
    `arn:aws:sms-voice:${region}:${account}:${type}/${id}`;
  const newId = (type: string) => `${type}-${randomBytes(16).toString('hex')}`;
  const phoneNumbers = new Map<string, LocalPhoneNumber>();
  const pools = new Map<string, Origination & { PoolId: string }>();
  const optOutLists = new Map([['Default', new Map<string, OptedOutEntry>()]]);
  const issued = new Map<string, { query: string; offset: number }>();
  const sentTextMessages: (z.infer<typeof SEND_TEXT_MESSAGE> & {
    MessageId: string;
    input: Input;
  })[] = [];
  const failures = new Map<string, { reply: Reply; times: number }>();

  const listOf = (nameOrArn: string) => ({
    OptOutListArn: arnOf('opt-out-list', idOf(nameOrArn)),
    OptOutListName: idOf(nameOrArn),
  });

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

  const described = <T>(ids: unknown, entries: Map<string, T>, type: string) =>
    Array.isArray(ids)
      ? ids.map((id) => found(entries, type, id))
      : [...entries.values()];

  // Two-way needs a channel, and self-managed opt-outs need two-way first:
  // https://docs.aws.amazon.com/sms-voice/latest/userguide/opt-out-list-self-managed.html
  const updateTwoWay = (entry: Origination, input: Input) => {
    const update = parsed(TWO_WAY, input);
    const next = { ...entry, ...update };
    const invalid = (Reason: string) =>
      refuse(400, 'ValidationException', Reason, { Reason });
    if (next.TwoWayEnabled && next.TwoWayChannelArn === undefined) {
      invalid('TWO_WAY_CHANNEL_NOT_PRESENT');
    }
    if (next.SelfManagedOptOutsEnabled && !next.TwoWayEnabled) {
      if (!entry.SelfManagedOptOutsEnabled) invalid('TWO_WAY_NOT_ENABLED');
    }
    return Object.assign(entry, update);
  };

  const operations = {
    DescribePhoneNumbers: ({ PhoneNumberIds }: Input) => ({
      PhoneNumbers: described(PhoneNumberIds, phoneNumbers, 'phone-number'),
    }),
    /** A number in a pool is updated through its pool (API_UpdatePhoneNumber). */
    UpdatePhoneNumber: (input: Input) => {
      const entry = found(phoneNumbers, 'phone-number', input.PhoneNumberId);
      if (entry.PoolId !== undefined) {
        refuse(400, 'ConflictException', 'the number is in a pool', {
          Reason: 'PHONE_NUMBER_ASSOCIATED_TO_POOL',
          ResourceType: 'phone-number',
          ResourceId: entry.PhoneNumberId,
        });
      }
      return updateTwoWay(entry, input);
    },
    DescribePools: ({ PoolIds }: Input) => ({
      Pools: described(PoolIds, pools, 'pool'),
    }),
    UpdatePool: (input: Input) =>
      updateTwoWay(found(pools, 'pool', input.PoolId), input),
    // https://docs.aws.amazon.com/sms-voice/latest/userguide/opt-out-list.html
    SendTextMessage: (input: Input) => {
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
    PutOptedOutNumber: (input: Input) => {
      const { OptOutListName, OptedOutNumber } = parsed(
        z.object({ OptOutListName: z.string(), OptedOutNumber: z.string() }),
        input
      );
      const list = found(optOutLists, 'opt-out-list', OptOutListName);
      // A number already on the list keeps its entry (AWS does not say).
      if (!list.has(OptedOutNumber)) {
        list.set(OptedOutNumber, optedOut(OptedOutNumber, new Date(), false));
      }
      return { ...listOf(OptOutListName), ...list.get(OptedOutNumber) };
    },
    // AWS does not say, so: number order, not time; 100 a page by default;
    // a NextToken only for its own query; an unlisted number not found.
    DescribeOptedOutNumbers: (input: Input) => {
      const request = parsed(DESCRIBE_OPTED_OUT_NUMBERS, input);
      const { OptedOutNumbers: numbers = [], Filters: filters = [] } = request;
      const name = idOf(request.OptOutListName);
      const list = found(optOutLists, 'opt-out-list', name);
      for (const number of numbers) found(list, 'opted-out-number', number);
      const query = JSON.stringify({ name, numbers, filters });
      const token = issued.get(request.NextToken ?? '');
      if (request.NextToken !== undefined && token?.query !== query) {
        refuse(400, 'ValidationException', 'NextToken is not valid', {
          Reason: 'INVALID_NEXT_TOKEN',
          Fields: [{ Name: 'NextToken', Message: 'is not valid' }],
        });
      }
      const offset = token?.offset ?? 0;
      const end = offset + (request.MaxResults ?? 100);
      const matching = [...list.values()]
        .filter((n) => !numbers.length || numbers.includes(n.OptedOutNumber))
        .filter(({ EndUserOptedOut }) =>
          filters.every(({ Values }) => Values.includes(`${EndUserOptedOut}`))
        )
        .sort((a, b) => a.OptedOutNumber.localeCompare(b.OptedOutNumber));
      const NextToken = end < matching.length ? randomUUID() : undefined;
      if (NextToken) issued.set(NextToken, { query, offset: end });
      return {
        ...listOf(name),
        OptedOutNumbers: matching.slice(offset, end),
        NextToken,
      };
    },
  };
  type Operation = keyof typeof operations;

  const respond = ({ headers, json }: RecordedRequest): Reply => {
    const target = String(headers['x-amz-target']);
    const operation = target.replace(/^PinpointSMSVoiceV2\./, '') as Operation;
    if (operation === target || !Object.hasOwn(operations, operation)) {
      return awsError(400, 'UnknownOperationException', target);
    }
    const failure = failures.get(operation);
    if (failure && --failure.times <= 0) failures.delete(operation);
    if (failure) return failure.reply;
    try {
      const input = (json ?? {}) as Input;
      return { status: 200, body: operations[operation](input) };
    } catch (error) {
      if (error instanceof Refusal) return error.reply;
      throw error;
    }
  };

  return {
    respond,
    addPhoneNumber: (
      number: string,
      state: Partial<LocalPhoneNumber> = {}
    ): LocalPhoneNumber => {
      const id = state.PhoneNumberId ?? newId('phone');
      const entry: LocalPhoneNumber = {
        ...NEW_ORIGINATION,
        NumberType: 'TEN_DLC',
        IsoCountryCode: 'US',
        NumberCapabilities: ['SMS'],
        MonthlyLeasingPrice: '2.00',
        ...state,
        PhoneNumberId: id,
        PhoneNumberArn: arnOf('phone-number', id),
        PhoneNumber: number,
      };
      phoneNumbers.set(id, entry);
      return entry;
    },
    addPool: (
      state: Partial<Origination & { PoolId: string }> = {},
      members: readonly LocalPhoneNumber[] = []
    ) => {
      const id = state.PoolId ?? newId('pool');
      const entry = {
        ...NEW_ORIGINATION,
        SharedRoutesEnabled: false,
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
      const entries = found(optOutLists, 'opt-out-list', list);
      entries.set(number, optedOut(number, at, true));
    },
    failNext: (operation: Operation, reply: Reply, times = 1) => {
      failures.set(operation, { reply, times });
    },
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
