import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  connectFaults,
  type FaultOf,
  type FaultSchedule,
  HELD_TO,
  randomFaults,
  scheduledFaults,
} from '../../tools/fault-injection/connect';
import { runTraffic } from '../../tools/fault-injection/run';
import {
  type QueueSettings,
  readQueueSettings,
} from '../../tools/fault-injection/simulation';
import {
  generateTraffic,
  type Traffic,
} from '../../tools/fault-injection/traffic';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  type InboundFunction,
  readInboundFunction,
  SAMPLE_CONTEXT,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { appendToCapture } from '../log-privacy/capture';

const SEED = 2026;
const MESSAGES = 60;
/** Each run starts a bridge and drives 60 SMS through it: about 3 s. */
const RUNS = 20;

/** The bundle's lines still reach the suite-wide log check, not the terminal. */
const logs = {
  forward: false,
  onLine: ({ line }: CapturedLine) => appendToCapture(`${line}\n`),
};

/** A day's mix: three SMS per customer, opt-outs, payloads to dead-letter. */
const traffic = (messages: number, customers = Math.ceil(messages / 3)) =>
  generateTraffic({
    messages,
    customers,
    seed: SEED,
    undeliverable: true,
  });

/**
 * A fault schedule over the deliverable SMS of the traffic: for some of
 * them, the faults their first Connect calls meet, in order. Shrinking
 * drops SMS and faults until the smallest schedule that still fails.
 */
const faultSchedule = (keys: readonly string[]) =>
  fc
    .array(
      fc.record({
        sms: fc.integer({ min: 0, max: keys.length - 1 }),
        faults: fc.array(fc.constantFrom(...HELD_TO), {
          minLength: 1,
          maxLength: 4,
        }),
      }),
      { maxLength: 12 }
    )
    .map(
      (entries): FaultSchedule =>
        Object.fromEntries(
          entries.map(({ sms, faults }) => [keys[sms] as string, faults])
        )
    );

/** A slow answer delivers: the faults after it are never met. */
const faultsMet = (schedule: FaultSchedule) =>
  Object.values(schedule).reduce((sum, faults) => {
    const slow = faults.indexOf('slow');
    return sum + (slow === -1 ? faults.length : slow + 1);
  }, 0);

describe('inbound SMS through the bundle while Connect fails', () => {
  let outdir: string;
  let fn: InboundFunction;
  let settings: QueueSettings;

  /** Runs the traffic with `faultOf` in front of Connect. */
  const run = async (
    faultOf: FaultOf,
    sms: Traffic,
    queue: QueueSettings = settings
  ) => {
    const faults = connectFaults(faultOf, { slowMs: [50, 300] });
    const report = await runTraffic({
      bundle: fn,
      settings: queue,
      seed: SEED,
      traffic: sms,
      connect: faults.script,
      logs,
    });
    return { ...report, faults };
  };

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
    const assembly = synthesizeBridge(SAMPLE_CONTEXT, outdir);
    fn = readInboundFunction(assembly);
    settings = readQueueSettings(assembly);
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('runs the queue as the stack deploys it', () => {
    // Assess
    expect(settings).toEqual({
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 43,
      batchSize: 10,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    });
  });

  it('loses nothing, forwards nothing twice, dead-letters with reasons and logs no personal data, whatever faults Connect meets', async () => {
    // Prepare: the traffic each run publishes, SNS duplicates included
    const keys = traffic(MESSAGES)
      .inputs.map(({ connectKey }) => connectKey)
      .filter((key): key is string => key !== undefined);
    const property = fc.asyncProperty(faultSchedule(keys), async (schedule) => {
      // Act
      const report = await run(scheduledFaults(schedule), traffic(MESSAGES));

      // Assess
      expect(report.faults.figures().injected).toBe(faultsMet(schedule));
      expect(report.outcome.lost).toBe(0);
      expect(report.outcome.duplicated).toBe(0);
      expect(report.outcome.unattributedEvents).toBe(0);
      expect(
        report.outcomes
          .filter((o) => !o.expected)
          .map(({ input, outcome, reasons }) => [input.kind, outcome, reasons])
      ).toEqual([]);
      expect(report.logs.withPersonalData).toBe(0);
    });
    await fc.assert(property, { numRuns: RUNS });
  }, 900_000);

  it('has the redrive policy dead-letter every deliverable SMS when an outage outlasts every receive, and loses none', async () => {
    // Prepare: 500 on every call; a redrive after 5 receives, not the
    // deployed 43, keeps the outage's real SDK backoff short; one SMS per
    // customer, as the function, counting on 43, holds a conversation's
    // later SMS back until the redrive takes them
    const outage = randomFaults(SEED, 1, ['server-error']);

    // Act
    const report = await run(outage, traffic(30, 30), {
      ...settings,
      maxReceiveCount: 5,
    });

    // Assess
    const { byKind } = report.inputs;
    expect(report.outcome.deadLetteredByReason).toMatchObject({
      'maxReceiveCount exceeded': (byKind.text ?? 0) + (byKind['opt-out'] ?? 0),
    });
    expect(report.drain.delivered).toBe(0);
    expect(report.outcome.lost).toBe(0);
    expect(
      report.outcomes
        .filter((o) => !o.expected)
        .map(({ input, outcome, reasons }) => [input.kind, outcome, reasons])
    ).toEqual([]);
  }, 120_000);

  it('doubles a text only when Connect processed the call and its answer was lost', async () => {
    // Prepare: only the fault that SendChatIntegrationEvent, with no
    // client token, turns into a second copy on the SDK's retry
    const dropAfter = randomFaults(SEED, 0.35, ['drop-after']);

    // Act
    const report = await run(dropAfter, traffic(100));

    // Assess
    const duplicated = report.outcomes
      .filter(({ outcome }) => outcome === 'duplicated')
      .map(({ input }) => input.connectKey);
    expect(duplicated.length).toBeGreaterThan(0);
    expect(
      duplicated.filter((key) => !report.faults.droppedAfter.includes(`${key}`))
    ).toEqual([]);
    expect(report.outcome.lost).toBe(0);
  }, 120_000);
});
