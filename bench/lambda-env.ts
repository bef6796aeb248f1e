import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { resolveVariables } from '../tools/harness/synth';
import type { FunctionAsset } from './functions';

export const FUNCTION_NAME = 'SmsConnectBridge-Function';

/** Local stand-ins, by `AWS_ENDPOINT_URL_<SERVICE>` suffix. */
export type Endpoints = Readonly<
  Partial<
    Record<
      | 'CONNECT'
      | 'CONNECTPARTICIPANT'
      | 'DYNAMODB'
      | 'SQS'
      | 'PINPOINT_SMS_VOICE_V2',
      string
    >
  >
>;

/**
 * The environment a function gets in Lambda, with its CloudFormation
 * references replaced by local values, fake credentials, no reading of the
 * user's AWS files, and every AWS service pointed at 127.0.0.1: services
 * without a local endpoint go to a closed port, so nothing leaves the host.
 */
export const lambdaEnvironment = (
  fn: FunctionAsset,
  endpoints: Endpoints,
  local: Readonly<Record<string, string>> = {}
): Record<string, string> => {
  const nowhere = path.join(tmpdir(), 'sms-connect-bridge-no-aws-config');
  const variables = resolveVariables(fn.variables, {
    ...Object.fromEntries(
      Object.entries(fn.variables)
        .filter(([, value]) => typeof value !== 'string')
        .map(([name]) => [name, `local-${name.toLowerCase()}`])
    ),
    ...local,
  });
  return {
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'local-session-token',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...Object.fromEntries(
      Object.entries(endpoints).map(([service, url]) => [
        `AWS_ENDPOINT_URL_${service}`,
        url,
      ])
    ),
    ...variables,
  };
};

/** Creates a table keyed by one string attribute and waits until it is active. */
export const createTable = async (
  url: string,
  tableName: string,
  key: string
): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      })
    );
    for (;;) {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: tableName })
      );
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    client.destroy();
  }
};
