import { performance } from 'node:perf_hooks';

/**
 * Runs this whole process `factor` times faster than the wall clock:
 * `Date.now`, `performance.now`, `setTimeout` and `setInterval` all move
 * on one scaled clock, so the bundle's SDK backoff and client-side rate
 * limiter, the local Connect's token bucket and the simulated queue keep
 * the same proportions they would have in real time. Meant for a process
 * of its own (a figures command); jest's own timers are not touched.
 *
 * What it distorts: work that takes real CPU time (the bundle, dynalite,
 * the local endpoints) looks `factor` times slower, and Node's socket
 * timeouts (the SDK's request timeout) stay on the wall clock.
 * `restore` puts the real clocks back.
 */
export const scaleTime = (factor: number): (() => void) => {
  if (!(factor >= 1)) throw new Error(`a time scale must be >= 1: ${factor}`);
  const real = {
    dateNow: Date.now,
    performanceNow: performance.now.bind(performance),
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
  };
  const dateStart = real.dateNow();
  const performanceStart = real.performanceNow();
  Date.now = () => dateStart + (real.dateNow() - dateStart) * factor;
  performance.now = () =>
    performanceStart + (real.performanceNow() - performanceStart) * factor;
  const scaled = (timer: typeof setTimeout) =>
    ((
      callback: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => timer(callback, (ms ?? 0) / factor, ...args)) as typeof setTimeout;
  globalThis.setTimeout = scaled(real.setTimeout);
  globalThis.setInterval = scaled(
    real.setInterval as unknown as typeof setTimeout
  ) as unknown as typeof setInterval;
  return () => {
    Date.now = real.dateNow;
    // The own property shadows the prototype's method; removing it restores it.
    delete (performance as { now?: unknown }).now;
    globalThis.setTimeout = real.setTimeout;
    globalThis.setInterval = real.setInterval;
  };
};
