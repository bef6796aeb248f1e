import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FakeContextOptions {
  readonly functionName?: string;
  readonly region?: string;
  /** The invocation's time limit; idempotency reads what is left of it. */
  readonly timeoutSeconds?: number;
}

/** A Lambda context whose remaining time counts down from the timeout. */
export const fakeContext = (options: FakeContextOptions = {}): Context => {
  const functionName = options.functionName ?? 'SmsConnectBridge-Function';
  const region = options.region ?? 'us-east-1';
  const deadline = Date.now() + (options.timeoutSeconds ?? 30) * 1000;
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
