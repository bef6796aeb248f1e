import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { type InboundSmsPayload, inboundSms } from '../tools/harness/events';

/** What Lambda hands the function at most: the event source's batch size. */
export const BATCH_SIZE = 10;
/** Texts come from this many customers, so most are later texts of a chat. */
export const CUSTOMERS = 100;
export const BRIDGE_NUMBER = '+12065550100';

const BODIES = [
  'Hi, my order 4417 has not arrived yet. Can someone check?',
  'Thanks!',
  'Is the store on 5th Avenue open on Sunday?',
  'I would like to change my delivery address, please.',
  'Yes, that works for me. 3pm tomorrow is fine.',
];

/** `n` inbound SMS with fresh ids, as End User Messaging would publish them. */
export const benchTexts = (count: number): InboundSmsPayload[] =>
  Array.from({ length: count }, (_, index) =>
    inboundSms({
      originationNumber: `+1425555${String(1000 + (index % CUSTOMERS))}`,
      destinationNumber: BRIDGE_NUMBER,
      messageBody: BODIES[index % BODIES.length] as string,
    })
  );

export const inBatches = <T>(items: readonly T[], size = BATCH_SIZE): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size)
  );

/** Parent -> worker: run this many texts, or exit (writing any profile). */
export type WorkerRequest =
  | {
      readonly type: 'round';
      readonly texts: number;
      /** Sample allocations during the round (slower; not a timed round). */
      readonly heapProfile?: boolean;
    }
  | { readonly type: 'exit' };

export type WorkerMessage =
  | { readonly type: 'ready'; readonly loadMs: number }
  | RoundResult
  | { readonly type: 'error'; readonly message: string };

export interface RoundResult {
  readonly type: 'round-done';
  readonly texts: number;
  readonly wallMs: number;
  /** User + system CPU of the worker process. */
  readonly cpuMs: number;
  readonly gcMs: number;
  readonly gcCount: number;
  /** Records the handler reported as failed; must be 0. */
  readonly failures: number;
  /** `process.hrtime` in microseconds, the clock of `--cpu-prof`. */
  readonly startUs: number;
  readonly endUs: number;
  readonly heapProfile?: SamplingHeapProfile;
}

export interface SamplingHeapProfileNode {
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly selfSize: number;
  readonly id: number;
  readonly children: readonly SamplingHeapProfileNode[];
}

export interface SamplingHeapProfile {
  readonly head: SamplingHeapProfileNode;
}

/** Given a round's texts, prepares (untimed) and returns the timed work. */
export type PrepareRound = (
  texts: readonly InboundSmsPayload[]
) => Promise<() => Promise<number>>;

/**
 * The worker side of the protocol: reports `ready`, then runs each round
 * the parent asks for and answers with its timings. Only `run` is timed;
 * building the texts and events is not.
 */
export const serveRounds = (loadMs: number, prepare: PrepareRound): void => {
  const send = (message: WorkerMessage) => process.send?.(message);
  const gc = { ms: 0, count: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      gc.count += 1;
    }
  }).observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  // A bench that stopped (its watchdog, a crash) takes its workers along.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: WorkerRequest) => {
    if (message.type === 'exit') {
      // A normal exit, so --cpu-prof writes its profile.
      process.disconnect?.();
      process.exit(0);
    }
    void (async () => {
      const run = await prepare(benchTexts(message.texts));
      await settle();
      const session = message.heapProfile ? await startSampling() : undefined;
      const gcBefore = { ...gc };
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      const failures = await run();
      const end = process.hrtime.bigint();
      const cpuUsed = process.cpuUsage(cpu);
      const heapProfile = session ? await stopSampling(session) : undefined;
      await settle();
      send({
        type: 'round-done',
        texts: message.texts,
        wallMs: Number(end - start) / 1e6,
        cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
        gcMs: gc.ms - gcBefore.ms,
        gcCount: gc.count - gcBefore.count,
        failures,
        startUs: Number(start / 1000n),
        endUs: Number(end / 1000n),
        ...(heapProfile ? { heapProfile } : {}),
      });
    })().catch((error: unknown) =>
      send({ type: 'error', message: String(error) })
    );
  });
  send({ type: 'ready', loadMs });
};

const post = <T>(
  session: Session,
  method: string,
  params: Record<string, unknown> = {}
) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params, (error, result) =>
      error ? reject(error) : resolve(result as T)
    )
  );

/** Every allocation is sampled, collected ones included, 1 in ~4 KiB. */
const startSampling = async (): Promise<Session> => {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return session;
};

const stopSampling = async (session: Session) => {
  const { profile } = await post<{ profile: SamplingHeapProfile }>(
    session,
    'HeapProfiler.stopSampling'
  );
  session.disconnect();
  return profile;
};
