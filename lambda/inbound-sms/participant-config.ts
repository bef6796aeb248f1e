import {
  loadOutboundNotices,
  type OutboundNotices,
} from '../participant/notices';
import { type Env, jsonEnv, requiredEnv } from '../shared/env';
import { ENV } from '../shared/settings';
import { type BridgeConfig, loadConfig } from './config';

/** What participant mode needs on top of the bridge's configuration. */
export interface ParticipantConfig extends BridgeConfig {
  /** The Connect instance's id (the last part of its ARN). */
  readonly instanceId: string;
  /** End User Messaging number in E.164 -> the contact flow its chats start in. */
  readonly contactFlowIds: ReadonlyMap<string, string>;
  readonly sessionTableName: string;
  /** The stack's topic that streams agent messages to the outbound function. */
  readonly chatStreamingTopicArn: string;
  /**
   * The outbound function's name: the key prefix of the sent-part markers
   * both functions share.
   */
  readonly sentPartKeyPrefix: string;
  /**
   * What the customer is texted for what a flow sent that SMS cannot
   * carry, as the outbound function has it (`ATTACHMENT_NOTICE`,
   * `UNSUPPORTED_MESSAGE_NOTICE`).
   */
  readonly notices: OutboundNotices;
}

/** Reads and checks the configuration; throws naming the bad variable. */
export const loadParticipantConfig = (env: Env): ParticipantConfig => {
  const base = loadConfig(env);
  const contactFlowIds = flowIds(env);
  for (const number of base.phoneNumberArns.keys()) {
    if (!contactFlowIds.has(number)) {
      throw new Error(
        `Environment variable ${ENV.contactFlowIds} names no contact flow for one of the phone numbers`
      );
    }
  }
  return {
    ...base,
    instanceId: requiredEnv(env, ENV.instanceId),
    contactFlowIds,
    sessionTableName: requiredEnv(env, ENV.sessionTableName),
    chatStreamingTopicArn: requiredEnv(env, ENV.chatStreamingTopicArn),
    sentPartKeyPrefix: requiredEnv(env, ENV.sentPartKeyPrefix),
    notices: loadOutboundNotices(env),
  };
};

const flowIds = (env: Env): Map<string, string> => {
  const name = ENV.contactFlowIds;
  const value = jsonEnv(env, name);
  const entries =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value)
      : [];
  if (
    entries.length === 0 ||
    !entries.every(([, id]) => typeof id === 'string' && id !== '')
  ) {
    throw new Error(
      `Environment variable ${name} must be a JSON object of phone number -> contact flow id`
    );
  }
  return new Map(entries as [string, string][]);
};
