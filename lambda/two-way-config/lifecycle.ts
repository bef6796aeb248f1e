import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { errorNameOf } from '../shared/undeliverable';
import {
  describeOrigination,
  type Origination,
  updateTwoWay,
} from './origination';
import { decodeRecord, encodeRecord, type TwoWayRecord } from './record';
import { reasonOf } from './service-error';
import { desiredSettings, type TwoWayTarget } from './settings';

/** What the provider framework expects back from `onEvent`. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export type ConfigureOutcome = 'configured' | 'reapplied' | 'left-to-pool';

export type RestoreOutcome =
  | 'restored'
  | 'nothing-recorded'
  | 'left-to-pool'
  | 'no-longer-configurable';

/**
 * Points the target's two-way channel at the topic. `physicalResourceId`
 * is the resource's id on an update: when it records the same phone number
 * or pool, it is kept; otherwise the target is new to the resource, its
 * settings are recorded in a new id, and CloudFormation's delete of the old
 * id restores the number that left.
 */
export const configure = async (
  client: PinpointSMSVoiceV2Client,
  target: TwoWayTarget,
  physicalResourceId?: string
): Promise<{ response: OnEventResponse; outcome: ConfigureOutcome }> => {
  const current = await describeOrigination(client, target.kind, target.id);
  // Before anything changes: a refused deployment leaves the number as it was.
  if (target.selfManagedOptOuts) checkSelfManagedAllowed(current);
  const kept = keptRecord(physicalResourceId, current.arn);
  const respond = (id: string, outcome: ConfigureOutcome) => ({
    response: { PhysicalResourceId: id, Data: { Arn: current.arn } },
    outcome,
  });

  if (current.poolId !== undefined) {
    if (!target.managedPools.has(current.poolId)) throw inPoolError(current);
    if (kept) return respond(kept.id, 'left-to-pool');
    const record = {
      kind: 'phone-number',
      arn: current.arn,
      pool: current.poolId,
    } as const;
    return respond(encodeRecord(record), 'left-to-pool');
  }
  checkChannelRole(current, target);
  checkOptOutList(current, target);
  const desired = desiredSettings(target);
  if (kept && 'prior' in kept.record) {
    await updateTwoWay(client, current.kind, current.arn, desired);
    return respond(kept.id, 'reapplied');
  }
  // Encoded before the update, so a record too long to keep changes nothing.
  const id = encodeRecord({
    kind: current.kind,
    arn: current.arn,
    prior: current.settings,
  });
  await updateTwoWay(client, current.kind, current.arn, desired);
  return respond(id, 'configured');
};

/** The resource's record when it is about the same phone number or pool. */
const keptRecord = (
  physicalResourceId: string | undefined,
  arn: string
): { id: string; record: TwoWayRecord } | undefined => {
  const record = decodeRecord(physicalResourceId);
  return physicalResourceId !== undefined && record?.arn === arn
    ? { id: physicalResourceId, record }
    : undefined;
};

/** Puts back the settings recorded at create. */
export const restore = async (
  client: PinpointSMSVoiceV2Client,
  physicalResourceId: string
): Promise<RestoreOutcome> => {
  const record = decodeRecord(physicalResourceId);
  if (record === undefined) return 'nothing-recorded';
  if (!('prior' in record)) return 'left-to-pool';
  try {
    await updateTwoWay(client, record.kind, record.arn, record.prior);
    return 'restored';
  } catch (error) {
    // A released number, or one that has joined a pool since, has no
    // settings of its own left to restore; failing would only block the
    // stack's deletion.
    const cause = (error as Error).cause;
    if (
      errorNameOf(cause) === 'ResourceNotFoundException' ||
      reasonOf(cause) === 'PHONE_NUMBER_ASSOCIATED_TO_POOL'
    ) {
      return 'no-longer-configurable';
    }
    throw error;
  }
};

const inPoolError = (number: Origination): Error =>
  new Error(
    `Phone number ${number.id} (${number.maskedNumber ?? 'number unknown'}) ` +
      `belongs to pool ${number.poolId}. End User Messaging takes two-way ` +
      'settings from the pool, not from its numbers, and UpdatePhoneNumber ' +
      `refuses them: configure the pool (UpdatePool) by adding ${number.poolId} ` +
      "to the stack's pools"
  );

/** How an error names a phone number or pool: no full phone number. */
const describedAs = (origination: Origination): string =>
  origination.kind === 'pool'
    ? `Pool ${origination.id}`
    : `Phone number ${origination.id} (${origination.maskedNumber ?? 'number unknown'})`;

/**
 * AWS leaves opt-outs of US toll-free numbers to the carriers (STOP only),
 * and toll-free numbers are not eligible for self-managed opt-outs; the
 * bridge would answer and record STOPs that the carrier already handles.
 */
const checkSelfManagedAllowed = (current: Origination): void => {
  if (current.numberType !== 'TOLL_FREE' || current.isoCountryCode !== 'US') {
    return;
  }
  throw new Error(
    `${describedAs(current)} is a US toll-free number, which is not ` +
      'eligible for self-managed opt-outs: US carriers handle its opt-outs ' +
      '(STOP only). Deploy without selfManagedOptOuts, or serve this number ' +
      'from a stack without it'
  );
};

/**
 * The bridge adds opt-outs to one list, and End User Messaging checks a
 * number's own list (or its pool's) before it sends: a number on another
 * list would go on texting customers who opted out. A number left to its
 * pool is checked through the pool's resource.
 */
const checkOptOutList = (current: Origination, target: TwoWayTarget): void => {
  const expected = target.optOutListName;
  if (expected === undefined || current.optOutListName === expected) return;
  const update = current.kind === 'pool' ? 'UpdatePool' : 'UpdatePhoneNumber';
  throw new Error(
    `${describedAs(current)} uses the opt-out list ` +
      `${JSON.stringify(current.optOutListName ?? null)}, but the stack's ` +
      `optOutListName is ${JSON.stringify(expected)}: the bridge would add ` +
      'opt-outs to a list its texts are not checked against. Set ' +
      'optOutListName to its list, or give it that list ' +
      `(${update} with OptOutListName)`
  );
};

/**
 * A role stays on a number once set: the API cannot clear it. End User
 * Messaging would assume it to publish to the topic, so a role the stack
 * does not pass must not be left behind silently.
 */
const checkChannelRole = (current: Origination, target: TwoWayTarget) => {
  const role = current.settings.TwoWayChannelRole;
  if (role === undefined || target.channelRole !== undefined) return;
  const what = current.kind === 'pool' ? 'Pool' : 'Phone number';
  throw new Error(
    `${what} ${current.id} has the two-way channel role ${role}, which ` +
      `${current.kind === 'pool' ? 'UpdatePool' : 'UpdatePhoneNumber'} cannot ` +
      'remove; End User Messaging would assume it to publish to the inbound ' +
      'topic. Remove the role from its two-way settings, or give the stack a ' +
      'channel role that may publish to the topic'
  );
};
