import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  PARTICIPANT_FAULT_INJECTION_CONTEXT,
  type ParticipantFaultInjectionReport,
  runParticipantFaultInjection,
} from '../../tools/fault-injection/participant-run';
import { readQueueSettings } from '../../tools/fault-injection/stack-settings';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  readParticipantBundles,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { appendToCapture } from '../log-privacy/capture';

/** The bundle's lines still reach the suite-wide log check, not the terminal. */
const logs = {
  forward: false,
  onLine: ({ line }: CapturedLine) => appendToCapture(`${line}\n`),
};

describe('participant mode through the bundle while every chat call may fail', () => {
  let outdir: string;
  let report: ParticipantFaultInjectionReport;

  beforeAll(async () => {
    // Prepare: 20 customers texting 3 times, 3 s apart, so that a text
    // often arrives while the chat an earlier one opened is half-way;
    // faults on 35% of StartChatContact, StartContactStreaming,
    // CreateParticipantConnection and SendMessage calls, answers lost
    // after processing included
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-faults-'));
    const assembly = synthesizeBridge(
      PARTICIPANT_FAULT_INJECTION_CONTEXT,
      outdir
    );

    // Act
    report = await runParticipantFaultInjection({
      bundles: readParticipantBundles(assembly),
      settings: readQueueSettings(assembly),
      customers: 20,
      textsPerCustomer: 3,
      gapMs: 3_000,
      faultRate: 0.35,
      seed: 2026,
      slowMs: [50, 300],
      logs,
    });
  }, 300_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('opens exactly one chat per customer', () => {
    expect(report.chatsPerCustomer).toEqual({ '1': 20 });
  });

  it('puts no text in two chats, nor twice in one', () => {
    expect(report.textsInTwoChats).toBe(0);
    expect(report.textsTwiceInAChat).toBe(0);
  });

  it('loses no text', () => {
    expect(report.lost).toBe(0);
    expect(report.deadLettered).toBe(0);
  });

  it('met faults of every kind on at least 30% of the chat calls', () => {
    expect(report.calls.faultRate).toBeGreaterThanOrEqual(0.3);
    expect(report.calls.faults['drop-after']).toBeGreaterThan(0);
  });
});
