import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { type InboundSmsPayload, inboundSms } from '../tools/harness/events';

/** What Lambda hands the function at most: the event source's batch size. */
export const BATCH_SIZE = 10;
/** Texts come from this many customers, so most are later texts of a chat. */
const CUSTOMERS = 100;
const BODIES = [
  'Hi, my order 4417 has not arrived yet. Can someone check?',
  'Thanks!',
  'Is the store on 5th Avenue open on Sunday?',
  'I would like to change my delivery address, please.',
  'Yes, that works for me. 3pm tomorrow is fine.',
];

/** `count` inbound SMS with fresh ids, as End User Messaging publishes them. */
const benchTexts = (count: number): InboundSmsPayload[] =>
  Array.from({ length: count }, (_, index) =>
    inboundSms({
      originationNumber: `+1425555${String(1000 + (index % CUSTOMERS))}`,
      destinationNumber: '+12065550100',
      messageBody: BODIES[index % BODIES.length] as string,
    })
  );

export const inBatches = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH_SIZE) }, (_, index) =>
    items.slice(index * BATCH_SIZE, (index + 1) * BATCH_SIZE)
  );

/** Parent -> worker: run this many texts, or exit. */
export type WorkerRequest =
  | {
      readonly type: 'round';
      readonly texts: number;
      /**
       * Profile the round with V8's CPU profiler and sampling heap profiler,
       * written to `<profile>.cpuprofile` and `<profile>.heapprofile`.
       */
      readonly profile?: string;
    }
  | { readonly type: 'exit' };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | RoundResult
  | { readonly type: 'error'; readonly message: string };

export interface RoundResult {
  readonly type: 'round-done';
  readonly texts: number;
  readonly wallMs: number;
  /** User + system CPU of the worker process. */
  readonly cpuMs: number;
  /** Records the handler reported as failed; must be 0. */
  readonly failures: number;
}

/** Given a round's texts, prepares (untimed) and returns the timed work. */
export type PrepareRound = (
  texts: readonly InboundSmsPayload[]
) => Promise<() => Promise<number>>;

/**
 * The worker side: reports `ready`, then runs each round the parent asks
 * for and answers with its timings. Only the work `prepare` returns is
 * timed; building the texts and events is not.
 */
export const serveRounds = (prepare: PrepareRound): void => {
  const send = (message: WorkerMessage) => process.send?.(message);
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  // A bench that stopped (its watchdog, a crash) takes its workers along.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'exit') process.exit(0);
    void (async () => {
      const run = await prepare(benchTexts(message.texts));
      await settle();
      const profiler = message.profile ? await startProfiling() : undefined;
      const cpu = process.cpuUsage();
      const start = performance.now();
      const failures = await run();
      const wallMs = performance.now() - start;
      const cpuUsed = process.cpuUsage(cpu);
      if (profiler && message.profile) await profiler(message.profile);
      await settle();
      send({
        type: 'round-done',
        texts: message.texts,
        wallMs,
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
        failures,
      });
    })().catch((error: unknown) =>
      send({ type: 'error', message: String(error) })
    );
  });
  send({ type: 'ready' });
};

/** Starts both profilers; the function returned stops them and writes. */
const startProfiling = async () => {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await session.post('Profiler.start');
  return async (prefix: string) => {
    const { profile: cpu } = await session.post('Profiler.stop');
    const { profile: heap } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    writeFileSync(`${prefix}.cpuprofile`, JSON.stringify(cpu));
    writeFileSync(`${prefix}.heapprofile`, JSON.stringify(heap));
  };
};
