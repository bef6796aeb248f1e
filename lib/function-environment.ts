import { Token } from 'aws-cdk-lib';
import { fail } from './validation';

/** Lambda allows 4 KB for all of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** What an unresolved value (a queue URL) is counted as. */
const TOKEN_BYTES = 128;
/** What participant mode adds to the inbound function's environment. */
export const participantEnvironment = (
  numbers: Readonly<Record<string, { readonly contactFlowId: string }>>
): Record<string, string> => ({
  CONNECT_INSTANCE_ID: '0'.repeat(36),
  CONTACT_FLOW_IDS: JSON.stringify(
    Object.fromEntries(
      Object.entries(numbers).map(([n, { contactFlowId }]) => [
        n,
        contactFlowId,
      ])
    )
  ),
  SESSION_TABLE_NAME: Token.asString({ Ref: 'SessionTable' }),
  CHAT_STREAMING_TOPIC_ARN: Token.asString({ Ref: 'StreamingTopic' }),
});

export const checkEnvironmentSize = (
  environment: Record<string, string>,
  settings: string
): void => {
  const bytes = Object.entries(environment).reduce(
    (sum, [key, value]) =>
      sum +
      Buffer.byteLength(key) +
      (Token.isUnresolved(value) ? TOKEN_BYTES : Buffer.byteLength(value)),
    0
  );
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    fail(
      settings,
      `must fit in Lambda's ${MAX_ENVIRONMENT_BYTES} bytes of environment variables`,
      `${bytes} bytes`
    );
  }
};
