import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { smsRecord, sqsEvent } from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';
import { inBatches, serveRounds } from './worker-protocol';

/**
 * A bench worker that runs the function's real bundle, loaded as the
 * Lambda runtime loads it, on SQS batches of inbound SMS (each in the SNS
 * notification the topic wraps it in). Arguments: bundle, export, region,
 * timeout in seconds.
 */
type Handler = (
  event: SQSEvent,
  context: Context
) => Promise<SQSBatchResponse | undefined>;

const [entry = '', handlerName = 'handler', region, timeout = '30'] =
  process.argv.slice(2);
const exported = require(entry) as Record<string, unknown>;
const handler = exported[handlerName] as Handler;

serveRounds(async (texts) => {
  const events = inBatches(texts).map((batch) =>
    sqsEvent(...batch.map((text) => smsRecord(text)))
  );
  const contexts = events.map(() =>
    fakeContext({
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
      ...(region === undefined ? {} : { region }),
      timeoutSeconds: Number(timeout),
    })
  );
  return async () => {
    let failures = 0;
    for (const [index, event] of events.entries()) {
      const response = await handler(event, contexts[index] as Context);
      failures += response?.batchItemFailures.length ?? 0;
    }
    return failures;
  };
});
