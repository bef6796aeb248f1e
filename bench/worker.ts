import * as events from '../tools/harness/events';
import { fakeContext } from '../tools/harness/lambda-context';

// A warm function process: runs each count of texts the bench sends, in
// batches of 10, and answers with the calls' wall and CPU milliseconds.
const [entry = '', timeout] = process.argv.slice(2);
const bundle = require(entry);

const BODIES = [
  'Hi, my order 4417 has not arrived yet. Can someone check?',
  'Thanks!',
  'Is the store on 5th Avenue open on Sunday?',
  'I would like to change my delivery address, please.',
  'Yes, that works for me. 3pm tomorrow is fine.',
];

// Untimed: a batch's event (the bare loop's plans) and its context.
const prepare = (first: number, size: number) => {
  const texts = Array.from({ length: size }, (_, i) =>
    events.inboundSms({
      // 100 customers: most texts are later texts of a chat.
      originationNumber: `+1425555${1000 + ((first + i) % 100)}`,
      destinationNumber: '+12065550100',
      messageBody: BODIES[(first + i) % BODIES.length] as string,
    })
  );
  const event = bundle.plan
    ? texts.map(bundle.plan)
    : events.sqsEvent(...texts.map((text) => events.smsRecord(text)));
  const context = fakeContext({
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    region: process.env.AWS_REGION,
    timeoutSeconds: Number(timeout),
  });
  return async () =>
    (await bundle.handler(event, context))?.batchItemFailures.length ?? 0;
};

const round = async (count: number) => {
  const batches = Array.from({ length: Math.ceil(count / 10) }, (_, b) =>
    prepare(b * 10, Math.min(10, count - b * 10))
  );
  await new Promise(setImmediate);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let failures = 0;
  for (const batch of batches) failures += await batch();
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  if (failures > 0) throw new Error(`${failures} texts failed in ${entry}`);
  return [wallMs, (user + system) / 1000];
};

process.on('message', async (count: number) => {
  process.send?.(await round(count));
});
// The bundles keep sockets open: leave when the bench lets go.
process.on('disconnect', () => process.exit(0));
