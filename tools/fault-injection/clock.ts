import { performance } from 'node:perf_hooks';

/**
 * The queue's time, in milliseconds from the start of a run. It runs with
 * real time while the handler works (its SDK retries and Connect's slow
 * answers take real time), and jumps ahead when nothing is running, so a
 * 3-minute visibility timeout passes without waiting 3 minutes.
 */
export interface SimulatedClock {
  now(): number;
  /** Moves time forward to `time`; never backwards. */
  advanceTo(time: number): void;
  /** How much time the jumps skipped. */
  skipped(): number;
}

export const simulatedClock = (): SimulatedClock => {
  const start = performance.now();
  let offset = 0;
  const now = () => performance.now() - start + offset;
  return {
    now,
    advanceTo: (time) => {
      const current = now();
      if (time > current) offset += time - current;
    },
    skipped: () => offset,
  };
};
