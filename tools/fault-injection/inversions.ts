import { connectKeyOfRequest } from './connect-key';

export interface Inversions {
  /** Pairs of a conversation's texts that Connect took in the wrong order. */
  readonly inversions: number;
  /** Conversations with at least one such pair. */
  readonly conversationsWithInversions: number;
}

/**
 * Counts the order inversions within each conversation (the request's
 * `SourceId` and `DestinationId`): pairs of events Connect accepted in
 * the opposite order of their publication. `publishOrder` lists the
 * inputs' Connect keys in the order SNS published them; an event accepted
 * again (a duplicate) counts at its first acceptance only.
 */
export const countInversions = (
  publishOrder: readonly (string | undefined)[],
  accepted: readonly unknown[]
): Inversions => {
  const rank = new Map<string, number>();
  publishOrder.forEach((key, index) => {
    if (key !== undefined && !rank.has(key)) rank.set(key, index);
  });
  const seen = new Set<string>();
  const byConversation = new Map<string, number[]>();
  for (const request of accepted) {
    const key = connectKeyOfRequest(request);
    const position = rank.get(key);
    if (position === undefined || seen.has(key)) continue;
    seen.add(key);
    const { SourceId, DestinationId } = request as {
      SourceId?: unknown;
      DestinationId?: unknown;
    };
    const conversation = `${String(SourceId)} ${String(DestinationId)}`;
    byConversation.set(conversation, [
      ...(byConversation.get(conversation) ?? []),
      position,
    ]);
  }
  let inversions = 0;
  let conversationsWithInversions = 0;
  for (const order of byConversation.values()) {
    let inverted = 0;
    for (let a = 0; a < order.length; a++) {
      for (let b = a + 1; b < order.length; b++) {
        if ((order[a] ?? 0) > (order[b] ?? 0)) inverted++;
      }
    }
    inversions += inverted;
    if (inverted > 0) conversationsWithInversions++;
  }
  return { inversions, conversationsWithInversions };
};
