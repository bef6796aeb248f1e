/** What the custom resource manages: one phone number or one pool. */
export type OriginationKind = 'phone-number' | 'pool';

/** The two-way settings of a phone number or pool, as End User Messaging names them. */
export interface TwoWaySettings {
  readonly TwoWayEnabled: boolean;
  readonly TwoWayChannelArn?: string;
  readonly TwoWayChannelRole?: string;
  readonly SelfManagedOptOutsEnabled: boolean;
}

/** One custom resource's properties, read from the CloudFormation event. */
export interface TwoWayTarget {
  readonly kind: OriginationKind;
  /** Phone-number or pool id or ARN, as the stack gives it. */
  readonly id: string;
  readonly channelArn: string;
  readonly channelRole?: string;
  readonly selfManagedOptOuts: boolean;
  /**
   * The opt-out list the bridge adds opt-outs to, which the phone number or
   * pool must use (given with self-managed opt-outs).
   */
  readonly optOutListName?: string;
  /**
   * Ids of the pools the same stack configures: a phone number in one of
   * them is left to its pool.
   */
  readonly managedPools: ReadonlySet<string>;
}

/** The settings the stack wants on the target. */
export const desiredSettings = (target: TwoWayTarget): TwoWaySettings => ({
  TwoWayEnabled: true,
  TwoWayChannelArn: target.channelArn,
  ...(target.channelRole === undefined
    ? {}
    : { TwoWayChannelRole: target.channelRole }),
  SelfManagedOptOutsEnabled: target.selfManagedOptOuts,
});

/** `pool-abc` from `pool-abc` or `arn:aws:sms-voice:...:pool/pool-abc`. */
export const poolIdOf = (idOrArn: string): string =>
  idOrArn.slice(idOrArn.lastIndexOf('/') + 1);

/**
 * Reads the custom resource's properties. CloudFormation hands every
 * scalar to the function as a string, so booleans arrive as "true"/"false".
 */
export const parseTarget = (
  properties: Readonly<Record<string, unknown>>
): TwoWayTarget => {
  const phoneNumberId = optionalString(properties, 'PhoneNumberId');
  const poolId = optionalString(properties, 'PoolId');
  if ((phoneNumberId === undefined) === (poolId === undefined)) {
    throw new Error('Set exactly one of PhoneNumberId and PoolId');
  }
  const channelArn = optionalString(properties, 'TwoWayChannelArn');
  if (channelArn === undefined) {
    throw new Error('TwoWayChannelArn is required');
  }
  const channelRole = optionalString(properties, 'TwoWayChannelRole');
  const optOutListName = optionalString(properties, 'OptOutListName');
  const pools = properties.Pools ?? [];
  if (!Array.isArray(pools) || !pools.every((p) => typeof p === 'string')) {
    throw new Error('Pools must be a list of pool ids or ARNs');
  }
  return {
    kind: phoneNumberId === undefined ? 'pool' : 'phone-number',
    id: (phoneNumberId ?? poolId) as string,
    channelArn,
    ...(channelRole === undefined ? {} : { channelRole }),
    selfManagedOptOuts: booleanOf(properties, 'SelfManagedOptOutsEnabled'),
    ...(optOutListName === undefined ? {} : { optOutListName }),
    managedPools: new Set(pools.map(poolIdOf)),
  };
};

const optionalString = (
  properties: Readonly<Record<string, unknown>>,
  name: string
): string | undefined => {
  const value = properties[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${name} must be a string`);
  return value;
};

const booleanOf = (
  properties: Readonly<Record<string, unknown>>,
  name: string
): boolean => {
  const value = properties[name] ?? 'false';
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${name} must be true or false, got ${String(value)}`);
};
