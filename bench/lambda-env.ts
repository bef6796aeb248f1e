import {
  definedValues,
  endpointVariables,
  type LocalEndpoints,
  sandboxedAws,
} from '../tools/harness/sandbox';
import { resolveVariables } from '../tools/harness/synth';
import type { FunctionAsset } from './functions';

export const FUNCTION_NAME = 'SmsConnectBridge-Function';

/**
 * The environment a function gets in Lambda, with its CloudFormation
 * references replaced by local values, fake credentials, no reading of the
 * user's AWS files, and every AWS service pointed at 127.0.0.1: services
 * without a local endpoint go to a closed port, so nothing leaves the host.
 */
export const lambdaEnvironment = (
  fn: FunctionAsset,
  endpoints: LocalEndpoints,
  local: Readonly<Record<string, string>> = {}
): Record<string, string> => {
  const variables = resolveVariables(fn.variables, {
    ...Object.fromEntries(
      Object.entries(fn.variables)
        .filter(([, value]) => typeof value !== 'string')
        .map(([name]) => [name, `local-${name.toLowerCase()}`])
    ),
    ...local,
  });
  return {
    ...definedValues(sandboxedAws(fn.region, FUNCTION_NAME)),
    ...endpointVariables('http://127.0.0.1:9', endpoints),
    ...variables,
  };
};
