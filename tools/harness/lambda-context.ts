import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The inbound function's name in the stack bin/app.ts builds. */
export const INBOUND_FUNCTION_NAME = 'SmsConnectBridge-Function';

export const fakeContext = ({
  functionName = INBOUND_FUNCTION_NAME,
  region = 'us-east-1',
  timeoutSeconds = 30,
}: {
  readonly functionName?: string | undefined;
  readonly region?: string;
  readonly timeoutSeconds?: number;
} = {}): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:111122223333:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
