import type { RedrivenMessage, StoredMessage } from '../local-aws/sqs';
import { connectKeyOfRequest } from './connect-key';
import type { Batch } from './event-source';
import type { InputKind, TrafficInput } from './traffic';

/** The notification's MessageId: the same for every copy SNS delivers. */
export const snsMessageIdOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { MessageId?: unknown }).MessageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Pairs taken out of order within each group: each group lists its items'
 * places in the order sent, as they were taken.
 */
export const countInversions = (
  groups: Iterable<readonly number[]>
): { inversions: number; groupsWithInversions: number } => {
  let inversions = 0;
  let groupsWithInversions = 0;
  for (const order of groups) {
    let inverted = 0;
    for (let a = 0; a < order.length; a++) {
      for (let b = a + 1; b < order.length; b++) {
        if ((order[a] ?? 0) > (order[b] ?? 0)) inverted++;
      }
    }
    inversions += inverted;
    if (inverted > 0) groupsWithInversions++;
  }
  return { inversions, groupsWithInversions };
};

export interface Inversions {
  /** Pairs of a conversation's texts that Connect took in the wrong order. */
  readonly inversions: number;
  /** Conversations with at least one such pair. */
  readonly conversationsWithInversions: number;
}

/**
 * The inversions within each conversation (`SourceId`, `DestinationId`):
 * `publishOrder` lists the inputs' Connect keys as SNS published them; an
 * event accepted again counts at its first acceptance only.
 */
export const conversationInversions = (
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
    const { SourceId, DestinationId } = request as Record<string, unknown>;
    const conversation = `${String(SourceId)} ${String(DestinationId)}`;
    byConversation.set(conversation, [
      ...(byConversation.get(conversation) ?? []),
      position,
    ]);
  }
  const { inversions, groupsWithInversions } = countInversions(
    byConversation.values()
  );
  return { inversions, conversationsWithInversions: groupsWithInversions };
};

export type Outcome =
  | 'delivered-once'
  | 'duplicated'
  | 'dead-lettered'
  | 'lost';

/** What became of one input, by its SNS MessageId; no personal data. */
export interface InputOutcome {
  readonly trackingId: string;
  readonly kind: InputKind;
  readonly outcome: Outcome;
  /** How many of its events Connect accepted. */
  readonly accepted: number;
  /** The reasons its copies in the dead-letter queue carry. */
  readonly deadLetterReasons: readonly string[];
  /** Whether that is what its kind calls for. */
  readonly expected: boolean;
}

export type Tally = ReturnType<typeof tallyOutcomes>;

export interface TallyInput {
  readonly inputs: readonly TrafficInput[];
  /** The request bodies Connect accepted, retries and duplicates included. */
  readonly accepted: readonly unknown[];
  /** What the function sent to the dead-letter queue itself. */
  readonly deadLetters: readonly StoredMessage[];
  /** What the redrive policy moved there. */
  readonly redriven: readonly RedrivenMessage[];
}

/**
 * Settles each input: delivered exactly once (Connect accepted one event
 * for it), duplicated (more than one), dead-lettered (none, but a copy is
 * in the dead-letter queue with a reason) or lost (neither).
 */
export const tallyOutcomes = ({
  inputs,
  accepted,
  deadLetters,
  redriven,
}: TallyInput) => {
  const acceptedByKey = countBy(accepted.map(connectKeyOfRequest));
  const reasons = new Map<string, string[]>();
  const letters = [
    ...deadLetters.map(({ Body, MessageAttributes }) => ({
      body: Body,
      reason: MessageAttributes.failureReason?.StringValue ?? '(no reason)',
    })),
    ...redriven.map(({ body, reason }) => ({ body, reason })),
  ];
  for (const { body, reason } of letters) {
    const id = snsMessageIdOf(body) ?? '(unreadable)';
    reasons.set(id, [...(reasons.get(id) ?? []), reason]);
  }

  const explained = new Set<string>();
  const outcomes = inputs.map((input): InputOutcome => {
    const count =
      input.connectKey === undefined
        ? 0
        : (acceptedByKey.get(input.connectKey) ?? 0);
    if (input.connectKey !== undefined) explained.add(input.connectKey);
    const deadLetterReasons = reasons.get(input.trackingId) ?? [];
    const outcome: Outcome =
      count > 1
        ? 'duplicated'
        : count === 1
          ? 'delivered-once'
          : deadLetterReasons.length > 0
            ? 'dead-lettered'
            : 'lost';
    return {
      trackingId: input.trackingId,
      kind: input.kind,
      outcome,
      accepted: count,
      deadLetterReasons,
      expected: isExpected(input, outcome, deadLetterReasons),
    };
  });

  const deadLetteredByReason: Record<string, number> = {};
  for (const { outcome, deadLetterReasons } of outcomes) {
    if (outcome !== 'dead-lettered') continue;
    for (const reason of new Set(deadLetterReasons)) {
      deadLetteredByReason[reason] = (deadLetteredByReason[reason] ?? 0) + 1;
    }
  }
  const countOf = (outcome: Outcome) =>
    outcomes.filter((o) => o.outcome === outcome).length;
  return {
    outcomes,
    deliveredExactlyOnce: countOf('delivered-once'),
    duplicated: countOf('duplicated'),
    deadLettered: countOf('dead-lettered'),
    deadLetteredByReason,
    lost: countOf('lost'),
    // Events Connect accepted beyond the first for an input.
    duplicatesForwarded: outcomes.reduce(
      (sum, { accepted: n }) => sum + Math.max(0, n - 1),
      0
    ),
    unexpected: outcomes.filter(({ expected }) => !expected).length,
    // Accepted events that no input explains.
    unattributedEvents: [...acceptedByKey]
      .filter(([key]) => !explained.has(key))
      .reduce((sum, [, n]) => sum + n, 0),
    deadLetterMessages: letters.length,
    deadLetterMessagesByReason: Object.fromEntries(
      countBy(letters.map(({ reason }) => reason))
    ),
  };
};

/**
 * A deliverable message is forwarded once, or dead-lettered only by the
 * redrive policy after every receive failed; an undeliverable one is
 * never forwarded and every copy of it carries its own reason.
 */
const isExpected = (
  input: TrafficInput,
  outcome: Outcome,
  reasons: readonly string[]
): boolean => {
  if (input.expectedReason !== undefined) {
    return (
      outcome === 'dead-lettered' &&
      reasons.every((reason) => reason === input.expectedReason)
    );
  }
  const onlyRedriven = reasons.every((r) => r === 'maxReceiveCount exceeded');
  return (
    (outcome === 'delivered-once' || outcome === 'dead-lettered') &&
    onlyRedriven
  );
};

/** Duplicate deliveries that reached the function, by how they met. */
export interface DuplicateDeliveries {
  /** A second copy in the same batch as the first. */
  readonly sameBatch: number;
  /** A copy in a batch that ran while another batch held a copy. */
  readonly concurrent: number;
  /** A copy of an input whose other copy was handled earlier. */
  readonly later: number;
}

/**
 * Counts deliveries of an input that another delivery of it preceded or
 * overlapped. A plain redelivery of the same SQS message after its
 * visibility timeout is a retry, not a duplicate.
 */
export const classifyDuplicates = (
  batches: readonly Batch[]
): DuplicateDeliveries => {
  const seen = new Map<string, { batch: Batch; messageId: string }[]>();
  const counts = { sameBatch: 0, concurrent: 0, later: 0 };
  const ordered = [...batches].sort(
    (a, b) => a.startedAt - b.startedAt || a.id - b.id
  );
  for (const batch of ordered) {
    for (const message of batch.messages) {
      const id = snsMessageIdOf(message.body) ?? message.messageId;
      const earlier = seen.get(id) ?? [];
      if (earlier.some((e) => e.batch === batch)) {
        counts.sameBatch++;
      } else if (earlier.some((e) => e.batch.endedAt > batch.startedAt)) {
        counts.concurrent++;
      } else if (earlier.some((e) => e.messageId !== message.messageId)) {
        counts.later++;
      }
      seen.set(id, [...earlier, { batch, messageId: message.messageId }]);
    }
  }
  return counts;
};

const countBy = (keys: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};
