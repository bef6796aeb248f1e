import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';

// Under jest, `process` is a per-file copy whose `env` a bundle does not read.
export const nodeProcess = runInThisContext('process') as NodeJS.Process;

// Outside any cache, as Lambda would.
export const loadFreshModule = (file: string): unknown => {
  const loaded = new Module(file) as Module & {
    load(file: string): void;
  };
  loaded.load(file);
  return loaded.exports;
};

/** Sets (`undefined`: removes) variables of `env`; the result puts the old values back. */
export const setEnvironment = (
  variables: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = nodeProcess.env
): (() => void) => {
  const previous = Object.fromEntries(
    Object.keys(variables).map((name) => [name, env[name]])
  );
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return () => setEnvironment(previous, env);
};

export const definedValues = (
  variables: Readonly<Record<string, string | undefined>>
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).filter(
      (entry): entry is [string, string] => entry[1] !== undefined
    )
  );

/** The Lambda runtime's variables; fake credentials and no AWS config, so nothing reaches AWS. */
export const sandboxedAws = (
  region: string,
  functionName: string
): Record<string, string | undefined> => {
  const nowhere = path.join(tmpdir(), 'sms-connect-bridge-no-aws-config');
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'local-session-token',
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    // Lambda runs the function on Node 24; the local Node may be older.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_DEV: undefined,
    POWERTOOLS_IDEMPOTENCY_DISABLED: undefined,
  };
};

export type LocalEndpoints = Readonly<Record<string, string>>;

/** Each service with a local stand-in goes to it, every other to `others`. */
export const endpointVariables = (
  others: string,
  endpoints: LocalEndpoints
): Record<string, string> => ({
  AWS_ENDPOINT_URL: others,
  ...Object.fromEntries(
    Object.entries(endpoints).map(([service, url]) => [
      `AWS_ENDPOINT_URL_${service}`,
      url,
    ])
  ),
});
