import type { Context } from 'aws-lambda';

/** A Lambda context with a fixed minute left, as the idempotency lock needs. */
export const fakeContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'sms-connect-bridge-Function',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:us-east-1:111122223333:function:sms-connect-bridge-Function',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/sms-connect-bridge-Function',
  logStreamName: '2026/11/20/[$LATEST]2e5a0ec5f6e3',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
