import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
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
  readonly gcMs: number;
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
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  // A bench that stopped (its watchdog, a crash) takes its workers along.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'exit') process.exit(0);
    void (async () => {
      const run = await prepare(benchTexts(message.texts));
      await settle();
      const profiler = message.profile ? await startProfiling() : undefined;
      const gcBefore = gcMs;
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
        gcMs: gcMs - gcBefore,
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
  const post = (method: string, params: object = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result as Record<string, unknown>)
      )
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await post('Profiler.start');
  return async (prefix: string) => {
    const { profile: cpu } = await post('Profiler.stop');
    const { profile: heap } = await post('HeapProfiler.stopSampling');
    session.disconnect();
    writeFileSync(`${prefix}.cpuprofile`, JSON.stringify(cpu));
    writeFileSync(`${prefix}.heapprofile`, JSON.stringify(heap));
  };
};
