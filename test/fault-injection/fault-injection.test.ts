import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  DEFAULT_WEIGHTS,
  type FaultKind,
  type FaultSchedule,
  scheduledFaults,
} from '../../tools/fault-injection/connect-faults';
import { runFaultInjection } from '../../tools/fault-injection/run';
import {
  type QueueSettings,
  readQueueSettings,
} from '../../tools/fault-injection/stack-settings';
import {
  FAULT_INJECTION_CONTEXT,
  generateTraffic,
} from '../../tools/fault-injection/traffic';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  type InboundFunction,
  readInboundFunction,
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

/** The faults a bridge can be held to; a drop after processing is not one. */
const HELD_TO: readonly FaultKind[] = [
  'throttle',
  'server-error',
  'drop-before',
  'slow',
];

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

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
    const assembly = synthesizeBridge(FAULT_INJECTION_CONTEXT, outdir);
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
    const keys = generateTraffic({ messages: MESSAGES, seed: SEED })
      .inputs.map(({ connectKey }) => connectKey)
      .filter((key): key is string => key !== undefined);
    const property = fc.asyncProperty(faultSchedule(keys), async (schedule) => {
      // Act
      const report = await runFaultInjection({
        fn,
        settings,
        messages: MESSAGES,
        seed: SEED,
        faultOf: scheduledFaults(schedule),
        slowMs: [50, 300],
        logs,
      });

      // Assess
      expect(report.connect.faultsInjected).toBe(faultsMet(schedule));
      expect(report.outcome.lost).toBe(0);
      expect(report.outcome.duplicatesForwarded).toBe(0);
      expect(report.outcome.unattributedEvents).toBe(0);
      expect(report.unexpectedOutcomes).toEqual([]);
      expect(report.logs.linesWithPersonalData).toBe(0);
    });
    await fc.assert(property, { numRuns: RUNS });
  }, 900_000);

  it('has the redrive policy dead-letter every deliverable SMS when an outage outlasts every receive, and loses none', async () => {
    // Prepare: 500 on every call; a redrive after 5 receives, not the
    // deployed 43, keeps the outage's real SDK backoff short
    const options = {
      fn,
      settings: { ...settings, maxReceiveCount: 5 },
      messages: 30,
      faultRate: 1,
      seed: SEED,
      faultWeights: {
        ...DEFAULT_WEIGHTS,
        throttle: 0,
        'drop-before': 0,
        slow: 0,
      },
      logs,
    };

    // Act
    const report = await runFaultInjection(options);

    // Assess
    const { byKind } = report.inputs;
    expect(report.outcome.deadLetteredByReason).toMatchObject({
      'maxReceiveCount exceeded': byKind.text + byKind['opt-out'],
    });
    expect(report.connect.accepted).toBe(0);
    expect(report.outcome.lost).toBe(0);
    expect(report.unexpectedOutcomes).toEqual([]);
  }, 120_000);

  it('doubles a text only when Connect processed the call and its answer was lost', async () => {
    // Prepare: only the fault that SendChatIntegrationEvent, with no
    // client token, turns into a second copy on the SDK's retry
    const options = {
      fn,
      settings,
      messages: 100,
      faultRate: 0.35,
      seed: SEED,
      faultWeights: {
        throttle: 0,
        'server-error': 0,
        'drop-before': 0,
        slow: 0,
        'drop-after': 1,
      },
      logs,
    };

    // Act
    const report = await runFaultInjection(options);

    // Assess
    expect(report.outcome.duplicated).toBeGreaterThan(0);
    expect(report.connect.duplicatesExplainedByDropAfter).toBe(
      report.outcome.duplicated
    );
    expect(report.outcome.lost).toBe(0);
  }, 120_000);
});
