import { label, ownerOf } from './cpu-profile';
import type { Frame, FrameResolver } from './frames';
import { round } from './stats';
import type {
  SamplingHeapProfile,
  SamplingHeapProfileNode,
} from './worker-protocol';

export interface AllocationShare {
  readonly name: string;
  readonly bytesPerMessage: number;
  readonly percent: number;
}

export interface AllocationBreakdown {
  /** V8's estimate of all bytes allocated during the round, per text. */
  readonly bytesPerMessage: number;
  readonly byOwner: readonly AllocationShare[];
  readonly topSites: readonly (AllocationShare & {
    readonly category: string;
  })[];
}

/**
 * Splits a sampling heap profile (collected objects included) by owner,
 * with the same rule as the CPU profile: the innermost frame that is not
 * Node's or V8's own code.
 */
export const analyzeHeapProfile = (
  profile: SamplingHeapProfile,
  resolver: FrameResolver,
  texts: number,
  top = 15
): AllocationBreakdown => {
  const owners = new Map<string, number>();
  const sites = new Map<string, { bytes: number; category: string }>();
  let total = 0;
  const visit = (node: SamplingHeapProfileNode, stack: Frame[]) => {
    const frame = resolver.resolve(node.callFrame);
    const here = [frame, ...stack];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const owner = ownerOf(here.filter((f) => !f.name.startsWith('(')));
      owners.set(owner, (owners.get(owner) ?? 0) + node.selfSize);
      const site = label(frame);
      const entry = sites.get(site) ?? { bytes: 0, category: frame.category };
      entry.bytes += node.selfSize;
      sites.set(site, entry);
    }
    for (const child of node.children) visit(child, here);
  };
  visit(profile.head, []);
  const share = (name: string, bytes: number): AllocationShare => ({
    name,
    bytesPerMessage: Math.round(bytes / texts),
    percent: round((bytes / total) * 100, 1),
  });
  return {
    bytesPerMessage: Math.round(total / texts),
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => share(name, bytes)),
    topSites: [...sites]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, top)
      .map(([name, { bytes, category }]) => ({
        ...share(name, bytes),
        category,
      })),
  };
};
