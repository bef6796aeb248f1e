import { Token } from 'aws-cdk-lib';
import { fail } from './validation';

/** Lambda allows 4 KB for all of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** What an unresolved value (a queue URL) is counted as. */
const TOKEN_BYTES = 128;

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
