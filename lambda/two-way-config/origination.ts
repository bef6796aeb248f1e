import {
  DescribePhoneNumbersCommand,
  DescribePoolsCommand,
  type PinpointSMSVoiceV2Client,
  UpdatePhoneNumberCommand,
  UpdatePoolCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { maskPhoneNumber } from '../shared/mask';
import { serviceFailure } from './service-error';
import type { OriginationKind, TwoWaySettings } from './settings';

/** A phone number or pool as End User Messaging describes it now. */
export interface Origination {
  readonly kind: OriginationKind;
  readonly arn: string;
  readonly id: string;
  /** The number with all but its last four digits masked. */
  readonly maskedNumber?: string;
  /** The pool a phone number belongs to. */
  readonly poolId?: string;
  /** The opt-out list End User Messaging checks and adds to for it. */
  readonly optOutListName?: string;
  /** A phone number's `NumberType` (`TOLL_FREE`, `TEN_DLC`, ...). */
  readonly numberType?: string;
  /** A phone number's country, two letters (`US`). */
  readonly isoCountryCode?: string;
  readonly settings: TwoWaySettings;
}

const settingsOf = (described: {
  TwoWayEnabled?: boolean;
  TwoWayChannelArn?: string;
  TwoWayChannelRole?: string;
  SelfManagedOptOutsEnabled?: boolean;
}): TwoWaySettings => ({
  TwoWayEnabled: described.TwoWayEnabled ?? false,
  ...(described.TwoWayChannelArn
    ? { TwoWayChannelArn: described.TwoWayChannelArn }
    : {}),
  ...(described.TwoWayChannelRole
    ? { TwoWayChannelRole: described.TwoWayChannelRole }
    : {}),
  SelfManagedOptOutsEnabled: described.SelfManagedOptOutsEnabled ?? false,
});

export const describeOrigination = async (
  client: PinpointSMSVoiceV2Client,
  kind: OriginationKind,
  idOrArn: string
): Promise<Origination> =>
  kind === 'pool'
    ? describePool(client, idOrArn)
    : describePhoneNumber(client, idOrArn);

const describePhoneNumber = async (
  client: PinpointSMSVoiceV2Client,
  idOrArn: string
): Promise<Origination> => {
  const operation = 'DescribePhoneNumbers';
  const response = await client
    .send(new DescribePhoneNumbersCommand({ PhoneNumberIds: [idOrArn] }))
    .catch((error: unknown) => {
      throw serviceFailure(operation, idOrArn, error);
    });
  const found = response.PhoneNumbers?.[0];
  if (found?.PhoneNumberArn === undefined) {
    throw new Error(`${operation} for ${idOrArn} found no phone number`);
  }
  return {
    kind: 'phone-number',
    arn: found.PhoneNumberArn,
    id: found.PhoneNumberId ?? idOrArn,
    ...(found.PhoneNumber === undefined
      ? {}
      : { maskedNumber: maskPhoneNumber(found.PhoneNumber) }),
    ...(found.PoolId ? { poolId: found.PoolId } : {}),
    ...definedOf({
      optOutListName: found.OptOutListName,
      numberType: found.NumberType,
      isoCountryCode: found.IsoCountryCode,
    }),
    settings: settingsOf(found),
  };
};

const describePool = async (
  client: PinpointSMSVoiceV2Client,
  idOrArn: string
): Promise<Origination> => {
  const operation = 'DescribePools';
  const response = await client
    .send(new DescribePoolsCommand({ PoolIds: [idOrArn] }))
    .catch((error: unknown) => {
      throw serviceFailure(operation, idOrArn, error);
    });
  const found = response.Pools?.[0];
  if (found?.PoolArn === undefined) {
    throw new Error(`${operation} for ${idOrArn} found no pool`);
  }
  return {
    kind: 'pool',
    arn: found.PoolArn,
    id: found.PoolId ?? idOrArn,
    ...definedOf({ optOutListName: found.OptOutListName }),
    settings: settingsOf(found),
  };
};

/** The members that have a value. */
const definedOf = <T extends Record<string, string | undefined>>(
  members: T
): Partial<Record<keyof T, string>> =>
  Object.fromEntries(
    Object.entries(members).filter(([, value]) => value !== undefined)
  ) as Partial<Record<keyof T, string>>;

/**
 * Sets the two-way settings given. A member left out is left as it is:
 * the API has no way to clear a channel ARN or role once set.
 */
export const updateTwoWay = async (
  client: PinpointSMSVoiceV2Client,
  kind: OriginationKind,
  arn: string,
  settings: TwoWaySettings
): Promise<void> => {
  const members = {
    TwoWayEnabled: settings.TwoWayEnabled,
    TwoWayChannelArn: settings.TwoWayChannelArn,
    TwoWayChannelRole: settings.TwoWayChannelRole,
    SelfManagedOptOutsEnabled: settings.SelfManagedOptOutsEnabled,
  };
  const request: Promise<unknown> =
    kind === 'pool'
      ? client.send(new UpdatePoolCommand({ PoolId: arn, ...members }))
      : client.send(
          new UpdatePhoneNumberCommand({ PhoneNumberId: arn, ...members })
        );
  await request.catch((error: unknown) => {
    throw serviceFailure(
      kind === 'pool' ? 'UpdatePool' : 'UpdatePhoneNumber',
      arn,
      error
    );
  });
};
