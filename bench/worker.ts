import * as events from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';

/*
 * A warm function process. It loads a bundle as Lambda loads one: the
 * inbound handler, or the bare loop (variant 'bare'). For each count the
 * bench sends, it runs that many texts in SQS batches of 10 and answers
 * with the wall and CPU milliseconds of the calls alone.
 */
const [entry = '', timeout, variant = ''] = process.argv.slice(2);

// Untimed: a batch's event or plans, and its context; timed: the calls.
const bundle = require(entry);
const prepare = (batch: events.InboundSmsPayload[]) => {
  const c = fakeContext({
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    region: process.env.AWS_REGION,
    timeoutSeconds: Number(timeout),
  });
  if (variant === 'bare') {
    const plans = batch.map(bundle.plan);
    return async () => {
      for (const plan of plans) await bundle.forward(plan, c);
      return 0;
    };
  }
  const event = events.sqsEvent(...batch.map((text) => events.smsRecord(text)));
  return async () => (await bundle.handler(event, c)).batchItemFailures.length;
};

const BODIES = [
  'Hi, my order 4417 has not arrived yet. Can someone check?',
  'Thanks!',
  'Is the store on 5th Avenue open on Sunday?',
  'I would like to change my delivery address, please.',
  'Yes, that works for me. 3pm tomorrow is fine.',
];
const round = async (count: number) => {
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, b) =>
    prepare(
      Array.from({ length: Math.min(10, count - b * 10) }, (_, i) =>
        events.inboundSms({
          // 100 customers: most texts are later texts of a chat.
          originationNumber: `+1425555${1000 + ((b * 10 + i) % 100)}`,
          destinationNumber: '+12065550100',
          messageBody: BODIES[(b * 10 + i) % BODIES.length] as string,
        })
      )
    )
  );
  await new Promise(setImmediate);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let failures = 0;
  for (const batch of batches) failures += await batch();
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  if (failures > 0) throw new Error(`${failures} texts failed: ${variant}`);
  return [wallMs, (user + system) / 1000];
};

process.on('message', async (count: number) => {
  process.send?.(await round(count));
});
// The bundles keep sockets open: leave when the bench lets go.
process.on('disconnect', () => process.exit(0));
