import type { OriginationKind, TwoWaySettings } from './settings';

/**
 * What a custom resource remembers between its create and its delete.
 *
 * CloudFormation hands a delete only the resource's properties and its
 * physical resource id, and properties come from the template, so the
 * settings found at create live in the physical resource id, as JSON. Each
 * phone number and each pool has a custom resource of its own, so the id
 * holds one record. Limits:
 * - CloudFormation allows 1 KB; a record that does not fit (a very long
 *   channel or role ARN) fails the create before anything changes.
 * - The id must stay the same across updates, or CloudFormation deletes the
 *   old one, which would restore the settings. An update keeps the id while
 *   the resource manages the same number, and returns a new id when it is a
 *   different one: the old number is then restored by that delete.
 * - Whoever reads the stack's resources sees the recorded settings (ARNs
 *   and flags only, no phone numbers).
 */
export type TwoWayRecord =
  | {
      readonly kind: OriginationKind;
      readonly arn: string;
      /** The settings found at create, restored at delete. */
      readonly prior: TwoWaySettings;
    }
  | {
      readonly kind: 'phone-number';
      readonly arn: string;
      /** The number was left to this pool, which the stack configures. */
      readonly pool: string;
    };

/** CloudFormation's limit on a physical resource id. */
export const MAX_PHYSICAL_ID_BYTES = 1024;

export const encodeRecord = (record: TwoWayRecord): string => {
  const id = JSON.stringify(record);
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_PHYSICAL_ID_BYTES) {
    throw new Error(
      `The two-way settings of ${record.arn} take ${bytes} bytes, more than ` +
        `the ${MAX_PHYSICAL_ID_BYTES} bytes CloudFormation keeps to restore ` +
        'them; shorten its two-way channel or role ARN, or set it by hand'
    );
  }
  return id;
};

/** The record in a physical resource id, or undefined when it holds none. */
export const decodeRecord = (
  physicalResourceId: string | undefined
): TwoWayRecord | undefined => {
  if (physicalResourceId === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(physicalResourceId);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
};

const isRecord = (value: unknown): value is TwoWayRecord => {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, arn, prior, pool } = value as Record<string, unknown>;
  if (kind !== 'phone-number' && kind !== 'pool') return false;
  if (typeof arn !== 'string') return false;
  if (typeof pool === 'string') return kind === 'phone-number';
  return isSettings(prior);
};

const isSettings = (value: unknown): value is TwoWaySettings => {
  if (typeof value !== 'object' || value === null) return false;
  const settings = value as Record<string, unknown>;
  return (
    typeof settings.TwoWayEnabled === 'boolean' &&
    typeof settings.SelfManagedOptOutsEnabled === 'boolean' &&
    ['TwoWayChannelArn', 'TwoWayChannelRole'].every(
      (key) => settings[key] === undefined || typeof settings[key] === 'string'
    )
  );
};
