import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_WEIGHTS } from '../../tools/fault-injection/connect-faults';
import {
  type FaultInjectionReport,
  runFaultInjection,
} from '../../tools/fault-injection/run';
import {
  type QueueSettings,
  readQueueSettings,
} from '../../tools/fault-injection/stack-settings';
import { FAULT_INJECTION_CONTEXT } from '../../tools/fault-injection/traffic';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  type InboundFunction,
  readInboundFunction,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { appendToCapture } from '../log-privacy/capture';

const SEED = 2026;

/** The bundle's lines still reach the suite-wide log check, not the terminal. */
const logs = {
  forward: false,
  onLine: ({ line }: CapturedLine) => appendToCapture(`${line}\n`),
};

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

  describe('1,000 SMS with faults on 35% of Connect calls, drops before processing', () => {
    let report: FaultInjectionReport;

    beforeAll(async () => {
      // Prepare: the queue as the stack deploys it; slow answers kept short
      // so that the SDK's real backoff fits the suite's time
      const options = {
        fn,
        settings,
        messages: 1000,
        faultRate: 0.35,
        seed: SEED,
        slowMs: [50, 300] as const,
        logs,
      };

      // Act
      report = await runFaultInjection(options);
    }, 240_000);

    it('runs the queue as the stack deploys it', () => {
      // Assess
      expect(report.settings).toMatchObject({
        visibilityTimeoutSeconds: 180,
        maxReceiveCount: 43,
        batchSize: 10,
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      });
    });

    it('publishes at least 1,000 SMS of every kind', () => {
      // Assess
      expect(report.inputs.total).toBeGreaterThanOrEqual(1000);
      expect(Object.values(report.inputs.byKind)).not.toContain(0);
    });

    it('injects faults on at least 30% of Connect calls', () => {
      // Assess
      expect(report.connect.faultRate).toBeGreaterThanOrEqual(0.3);
    });

    it('injects throttling, 500s, dropped connections and slow answers', () => {
      // Assess
      expect(report.connect.faults).toEqual({
        throttle: expect.any(Number),
        'server-error': expect.any(Number),
        'drop-before': expect.any(Number),
        slow: expect.any(Number),
        'drop-after': 0,
      });
      expect(
        Math.min(
          report.connect.faults.throttle,
          report.connect.faults['server-error'],
          report.connect.faults['drop-before'],
          report.connect.faults.slow
        )
      ).toBeGreaterThan(0);
    });

    it('delivers duplicates in the same batch and later', () => {
      // Assess
      expect(report.duplicateDeliveries.sameBatch).toBeGreaterThan(0);
      expect(report.duplicateDeliveries.later).toBeGreaterThan(0);
    });

    it('has the queue redeliver the items a batch reported as failed', () => {
      // Assess
      expect(report.lambda.itemFailures).toBeGreaterThan(0);
      expect(report.queue.redeliveries).toBeGreaterThanOrEqual(
        report.lambda.itemFailures
      );
    });

    it('has the queue bring the failed items back early, as the handler asks', () => {
      // Assess
      expect(report.queue.visibilityChanges).toBeGreaterThan(0);
      expect(
        report.queue.visibilityChanges + report.queue.staleVisibilityChanges
      ).toBe(report.lambda.itemFailures);
    });

    it('loses no SMS', () => {
      // Assess
      expect(report.outcome.lost).toBe(0);
    });

    it('forwards no SMS twice', () => {
      // Assess
      expect(report.outcome.duplicatesForwarded).toBe(0);
      expect(report.outcome.unattributedEvents).toBe(0);
    });

    it('delivers every deliverable SMS exactly once unless the redrive policy took it', () => {
      // Assess
      const { byKind } = report.inputs;
      expect(
        report.outcome.deliveredExactlyOnce +
          (report.outcome.deadLetteredByReason['maxReceiveCount exceeded'] ?? 0)
      ).toBe(byKind.text + byKind['opt-out']);
    });

    it('dead-letters every undeliverable SMS with its reason', () => {
      // Assess
      const { byKind } = report.inputs;
      expect(report.outcome.deadLetteredByReason).toMatchObject({
        'invalid-payload': byKind['invalid-payload'],
        'unknown-destination': byKind['unknown-destination'],
        'empty-body': byKind['empty-body'],
      });
    });

    it('ends every SMS as its kind calls for', () => {
      // Assess
      expect(report.unexpectedOutcomes).toEqual([]);
    });

    it('logs no phone number and no text', () => {
      // Assess
      expect(report.logs.lines).toBeGreaterThan(report.inputs.total);
      expect(report.logs.linesWithPersonalData).toBe(0);
    });
  });

  describe('an outage that outlasts every receive: 500 on every Connect call', () => {
    let report: FaultInjectionReport;

    beforeAll(async () => {
      // Prepare: a redrive after 5 receives, not the deployed 43, keeps the
      // outage's real SDK backoff short; the deployed count is checked above
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
      report = await runFaultInjection(options);
    }, 120_000);

    it('has the redrive policy move every deliverable SMS to the dead-letter queue', () => {
      // Assess
      const { byKind } = report.inputs;
      expect(report.outcome.deadLetteredByReason).toMatchObject({
        'maxReceiveCount exceeded': byKind.text + byKind['opt-out'],
      });
      expect(report.connect.accepted).toBe(0);
    });

    it('still loses no SMS and dead-letters the undeliverable ones with their reasons', () => {
      // Assess
      expect(report.outcome.lost).toBe(0);
      expect(report.unexpectedOutcomes).toEqual([]);
    });
  });

  describe('connections dropped AFTER Connect processed the call (no bridge can prevent the duplicate)', () => {
    let report: FaultInjectionReport;

    beforeAll(async () => {
      // Prepare: only the fault that SendChatIntegrationEvent, with no
      // client token, turns into a second copy on the SDK's retry
      const options = {
        fn,
        settings,
        messages: 150,
        faultRate: 0.35,
        seed: SEED,
        faultWeights: {
          ...DEFAULT_WEIGHTS,
          throttle: 0,
          'server-error': 0,
          'drop-before': 0,
          slow: 0,
          'drop-after': 1,
        },
        logs,
      };

      // Act
      report = await runFaultInjection(options);
    }, 120_000);

    it('doubles a text only when Connect processed the call and its answer was lost', () => {
      // Assess
      expect(report.outcome.duplicated).toBeGreaterThan(0);
      expect(report.connect.duplicatesExplainedByDropAfter).toBe(
        report.outcome.duplicated
      );
    });

    it('still loses no SMS', () => {
      // Assess
      expect(report.outcome.lost).toBe(0);
    });
  });
});
