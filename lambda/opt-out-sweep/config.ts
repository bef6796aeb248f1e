import { type Env, jsonEnv, requiredEnv } from '../shared/env';
import { E164, ENV, OPT_OUT_LIST_NAME } from '../shared/settings';

/** What the construct tells the opt-out sweep, read once at start-up. */
export interface SweepConfig {
  /** The opt-out list the bridge's numbers use (a name, not an ARN). */
  readonly optOutListName: string;
  /** End User Messaging number in E.164 -> its phone-number ARN. */
  readonly phoneNumberArns: ReadonlyMap<string, string>;
  /** The chats' subtype, part of their identity in both modes. */
  readonly subtype: string;
  /** Holds the sweep's cursor and its per-entry markers. */
  readonly stateTableName: string;
}

/** Participant mode: the sweep ends the chats the session table holds. */
export interface ParticipantSweepConfig extends SweepConfig {
  readonly sessionTableName: string;
}

/**
 * Reads and checks the configuration; throws naming the bad variable, so a
 * broken deployment fails every run (and the alarm) rather than sweeping
 * the wrong list or no number.
 */
export const loadSweepConfig = (env: Env): SweepConfig => {
  const optOutListName = requiredEnv(env, ENV.optOutListName);
  if (!OPT_OUT_LIST_NAME.test(optOutListName)) {
    throw new Error(
      `Environment variable ${ENV.optOutListName} must be an opt-out list name (1 to 64 letters, digits, "_" or "-"), got ${optOutListName}`
    );
  }
  return {
    optOutListName,
    phoneNumberArns: phoneNumbers(env),
    subtype: requiredEnv(env, ENV.subtype),
    stateTableName: requiredEnv(env, ENV.stateTableName),
  };
};

export const loadParticipantSweepConfig = (
  env: Env
): ParticipantSweepConfig => ({
  ...loadSweepConfig(env),
  sessionTableName: requiredEnv(env, ENV.sessionTableName),
});

/** The numbers as the inbound function has them: E.164 -> ARN. */
const phoneNumbers = (env: Env): Map<string, string> => {
  const name = ENV.phoneNumbers;
  const value = jsonEnv(env, name);
  const entries =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value)
      : [];
  const valid =
    entries.length > 0 &&
    entries.every(
      ([number, arn]) => E164.test(number) && typeof arn === 'string' && arn
    );
  if (!valid) {
    // The value is not shown: it holds phone numbers.
    throw new Error(
      `Environment variable ${name} must be a JSON object of E.164 number -> phone-number ARN`
    );
  }
  return new Map(entries as [string, string][]);
};
