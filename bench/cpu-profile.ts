import type { CallFrame, Frame, FrameResolver } from './frames';
import { round } from './stats';

/** A `.cpuprofile` as `node --cpu-prof` writes it. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: CallFrame;
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  /** Of the busy (non-idle) time in the window. */
  readonly percent: number;
  /** Per text, when the window processed texts. */
  readonly usPerMessage?: number;
}

export interface CpuBreakdown {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly samples: number;
  /** Every busy sample once, by the package that did the work. */
  readonly byOwner: readonly Share[];
  /** Functions by self time (the frame on top of the stack). */
  readonly topSelf: readonly (Share & { readonly category: string })[];
  /** Self time of samples the bridge or its libraries own (not the SDK). */
  readonly topSelfOutsideSdk: readonly (Share & {
    readonly category: string;
  })[];
  /**
   * The bridge's, Powertools' and zod's functions by inclusive time,
   * leaving out time spent under AWS SDK code (the calls themselves).
   */
  readonly topInclusiveOutsideSdk: readonly (Share & {
    readonly category: string;
  })[];
}

const V8_FRAMES = new Map([
  ['(garbage collector)', 'V8: garbage collection'],
  ['(program)', 'V8: (program)'],
  ['(root)', 'V8: (program)'],
]);

/** Categories that do not own work: they run for whoever called them. */
const CARRIERS = new Set(['node', 'native']);

export const SDK = 'AWS SDK';

export interface Window {
  readonly startUs: number;
  readonly endUs: number;
}

/**
 * Splits a profile's samples inside `windows` (process.hrtime in µs, the
 * profile's clock, in time order) by who did the work: a sample belongs to the innermost
 * frame that is not Node's or V8's own code, so a socket write counts for
 * the SDK that made it and a `JSON.stringify` for the logger that called
 * it. Garbage collection and V8's own work are shown apart.
 */
export const analyzeCpuProfile = (
  profile: CpuProfile,
  resolver: FrameResolver,
  options: {
    readonly windows?: readonly Window[];
    readonly texts?: number;
    readonly top?: number;
  } = {}
): CpuBreakdown => {
  const top = options.top ?? 20;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const stacks = new Map<number, Frame[]>();
  const stackOf = (id: number): Frame[] => {
    let stack = stacks.get(id);
    if (stack === undefined) {
      stack = [];
      for (let at: number | undefined = id; at !== undefined; ) {
        const node = nodes.get(at);
        if (node === undefined) break;
        stack.push(resolver.resolve(node.callFrame));
        at = parents.get(at);
      }
      stacks.set(id, stack);
    }
    return stack;
  };

  const owners = new Map<string, number>();
  const selfTimes = new Map<string, { ms: number; category: string }>();
  const ownSelfTimes = new Map<string, { ms: number; category: string }>();
  const inclusive = new Map<string, { ms: number; category: string }>();
  let busyMs = 0;
  let idleMs = 0;
  let samples = 0;
  let at = profile.startTime;
  const times = profile.timeDeltas.map((delta) => {
    at += delta;
    return at;
  });
  let window = 0;
  for (const [index, id] of profile.samples.entries()) {
    const time = times[index] as number;
    if (options.windows) {
      while (
        window < options.windows.length &&
        time > (options.windows[window] as Window).endUs
      ) {
        window += 1;
      }
      const current = options.windows[window];
      if (current === undefined || time < current.startUs) continue;
    }
    const ms = ((times[index + 1] ?? profile.endTime) - time) / 1000;
    const stack = stackOf(id);
    const leaf = stack[0];
    if (leaf === undefined) continue;
    if (leaf.name === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    samples += 1;
    const owner = V8_FRAMES.get(leaf.name) ?? ownerOf(stack);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const self = label(leaf);
    const entry = selfTimes.get(self) ?? { ms: 0, category: leaf.category };
    entry.ms += ms;
    selfTimes.set(self, entry);
    if (!isOwnWork(owner)) continue;
    const own = ownSelfTimes.get(self) ?? { ms: 0, category: owner };
    own.ms += ms;
    ownSelfTimes.set(self, own);
    const seen = new Set<string>();
    for (const frame of stack) {
      if (!isOwnWork(frame.category)) continue;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      const total = inclusive.get(name) ?? { ms: 0, category: frame.category };
      total.ms += ms;
      inclusive.set(name, total);
    }
  }

  const share = (name: string, ms: number): Share => ({
    name,
    ms: round(ms, 1),
    percent: round((ms / busyMs) * 100, 1),
    ...(options.texts
      ? { usPerMessage: round((ms * 1000) / options.texts, 1) }
      : {}),
  });
  const ranked = (entries: Map<string, { ms: number; category: string }>) =>
    [...entries]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([name, { ms, category }]) => ({ ...share(name, ms), category }));
  return {
    busyMs: round(busyMs, 1),
    idleMs: round(idleMs, 1),
    samples,
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => share(name, ms)),
    topSelf: ranked(selfTimes),
    topSelfOutsideSdk: ranked(ownSelfTimes),
    topInclusiveOutsideSdk: ranked(inclusive),
  };
};

/**
 * The innermost frame that is not Node's or V8's own code owns a sample,
 * unless SDK code called it: a middleware Powertools adds to its DynamoDB
 * client runs inside the SDK call (and V8 inlines SDK code into it), so it
 * counts with the call.
 */
export const ownerOf = (stack: readonly Frame[]): string => {
  const at = stack.findIndex((frame) => !CARRIERS.has(frame.category));
  const owner = stack[at];
  if (owner === undefined) return 'node (event loop, I/O)';
  return stack.slice(at + 1).some((frame) => frame.category === SDK)
    ? SDK
    : owner.category;
};

/** Work of the function beyond the SDK: the bridge and its libraries. */
const isOwnWork = (category: string): boolean =>
  !CARRIERS.has(category) &&
  category !== SDK &&
  category !== 'bench worker' &&
  category !== 'bundle (no source position)' &&
  !category.startsWith('V8:') &&
  !category.startsWith('node');

/** `file:line name`, as the report lists functions. */
export const label = (frame: Frame): string =>
  frame.file === '' ? frame.name : `${frame.file}:${frame.line} ${frame.name}`;
