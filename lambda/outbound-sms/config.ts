/** What the participant construct tells the outbound function. */
export interface OutboundConfig {
  readonly sessionTableName: string;
  readonly deadLetterQueueUrl: string;
}

/** The environment variables the construct sets; the names are its contract. */
export const OUTBOUND_ENV = {
  sessionTableName: 'SESSION_TABLE_NAME',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks the configuration; throws naming the missing variable. */
export const loadOutboundConfig = (env: Env): OutboundConfig => ({
  sessionTableName: required(env, OUTBOUND_ENV.sessionTableName),
  deadLetterQueueUrl: required(env, OUTBOUND_ENV.deadLetterQueueUrl),
});

const required = (env: Env, name: string): string => {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
};
