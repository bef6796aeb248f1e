import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  chatRouteOf,
  connectFaults,
  FAULT_KINDS,
  type FaultSchedule,
  scheduledFaults,
} from '../../tools/fault-injection/connect';
import { runTraffic } from '../../tools/fault-injection/run';
import {
  type QueueSettings,
  readQueueSettings,
} from '../../tools/fault-injection/simulation';
import { generateTraffic } from '../../tools/fault-injection/traffic';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  type ParticipantBundles,
  readParticipantBundles,
  SAMPLE_PARTICIPANT_CONTEXT,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { appendToCapture } from '../log-privacy/capture';

const CUSTOMERS = 8;
const RUNS = 5;

/** The bundle's lines still reach the suite-wide log check, not the terminal. */
const logs = {
  forward: false,
  onLine: ({ line }: CapturedLine) => appendToCapture(`${line}\n`),
};

/**
 * For each chat call, the faults its first calls meet, by their place
 * among that call's calls (`null`: none), answers lost after processing
 * included. Shrinking drops faults until the smallest failing schedule.
 */
const faults = fc.array(
  fc.option(fc.constantFrom(...FAULT_KINDS), { nil: null, freq: 2 }),
  { maxLength: 12 }
);
const faultSchedule: fc.Arbitrary<FaultSchedule> = fc.record({
  '/contact/chat': faults, // StartChatContact
  '/contact/start-streaming': faults, // StartContactStreaming
  '/participant/connection': faults, // CreateParticipantConnection
  '/participant/message': faults, // SendMessage
});

describe('participant mode through the bundle while every chat call may fail', () => {
  let outdir: string;
  let bundles: ParticipantBundles;
  let settings: QueueSettings;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
    const assembly = synthesizeBridge(SAMPLE_PARTICIPANT_CONTEXT, outdir);
    bundles = readParticipantBundles(assembly);
    settings = readQueueSettings(assembly);
  }, 120_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('opens one chat per customer and puts each text in it once, whatever faults the chat calls meet', async () => {
    // Prepare: customers texting 3 times, 3 s apart, so that a text often
    // arrives while the chat an earlier one opened is half-way
    const property = fc.asyncProperty(faultSchedule, async (schedule) => {
      // Act
      const faults = connectFaults(scheduledFaults(schedule), {
        slowMs: [50, 300],
        keyOf: chatRouteOf,
      });
      const report = await runTraffic({
        bundle: bundles,
        settings,
        seed: 2026,
        traffic: generateTraffic({
          messages: 3 * CUSTOMERS,
          customers: CUSTOMERS,
          seed: 2026,
          gapMs: 3_000,
        }),
        connect: faults.script,
        logs,
      });

      // Assess
      // Each route is called at least once per customer: the faults
      // scheduled that early are all met
      const scheduled = (upTo?: number) =>
        Object.values(schedule).flatMap((faults) =>
          faults.slice(0, upTo).filter((fault) => fault !== null)
        ).length;
      const { injected } = faults.figures();
      expect(injected).toBeGreaterThanOrEqual(scheduled(CUSTOMERS));
      expect(injected).toBeLessThanOrEqual(scheduled());
      expect(report.chats?.customersWithoutOne).toBe(0);
      expect(report.chats?.textsInTwo).toBe(0);
      expect(report.outcome.duplicated).toBe(0);
      expect(report.outcome.lost).toBe(0);
      expect(report.outcome.deadLettered).toBe(0);
    });
    await fc.assert(property, { numRuns: RUNS });
  }, 900_000);
});
