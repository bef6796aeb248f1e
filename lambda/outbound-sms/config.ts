import {
  loadOutboundNotices,
  type OutboundNotices,
} from '../participant/notices';
import { type Env, requiredEnv } from '../shared/env';
import { ENV } from '../shared/settings';

/** What the participant construct tells the outbound function. */
export interface OutboundConfig {
  readonly sessionTableName: string;
  readonly deadLetterQueueUrl: string;
  readonly notices: OutboundNotices;
}

/** Reads and checks the configuration; throws naming the bad variable. */
export const loadOutboundConfig = (env: Env): OutboundConfig => ({
  sessionTableName: requiredEnv(env, ENV.sessionTableName),
  deadLetterQueueUrl: requiredEnv(env, ENV.deadLetterQueueUrl),
  notices: loadOutboundNotices(env),
});
