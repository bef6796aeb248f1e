import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connectQuota } from '../../tools/fault-injection/connect';
import { runTraffic } from '../../tools/fault-injection/run';
import {
  type QueueSettings,
  readQueueSettings,
} from '../../tools/fault-injection/simulation';
import { generateTraffic } from '../../tools/fault-injection/traffic';
import type { CapturedLine } from '../../tools/harness/log-capture';
import {
  readInboundFunction,
  SAMPLE_CONTEXT,
  synthesizeBridge,
} from '../../tools/harness/synth';
import { appendToCapture } from '../log-privacy/capture';

/** The bundle's lines still reach the suite-wide log check, not the terminal. */
const logs = {
  forward: false,
  onLine: ({ line }: CapturedLine) => appendToCapture(`${line}\n`),
};

describe("a burst of texts above Connect's quota", () => {
  let outdir: string;
  let report: Awaited<ReturnType<typeof runTraffic>>;
  let settings: QueueSettings;
  const quota = connectQuota(8);

  beforeAll(async () => {
    // Prepare: the queue as the stack deploys it, Connect taking 8 calls/s
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-connect-bridge-burst-'));
    const assembly = synthesizeBridge(SAMPLE_CONTEXT, outdir);

    // Act: 160 texts from 40 customers, published at once
    settings = readQueueSettings(assembly);
    report = await runTraffic({
      bundle: readInboundFunction(assembly),
      settings,
      seed: 2026,
      traffic: generateTraffic({ messages: 160, customers: 40, seed: 2026 }),
      connect: quota.script,
      strayRate: 0,
      logs,
    });
  }, 240_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('forwards every text to Connect', () => {
    // Assess
    expect(report.outcome.deliveredExactlyOnce).toBe(report.inputs.total);
  });

  it('loses no text', () => {
    // Assess
    expect(report.outcome.lost).toBe(0);
  });

  it('dead-letters no text for throttling', () => {
    // Assess
    expect(report.outcome.deadLetteredByReason).toEqual({});
  });

  it('forwards no text twice', () => {
    // Assess
    expect(report.outcome.duplicated).toBe(0);
  });

  it('spends fewer than two Connect calls per text', () => {
    // Assess
    expect(quota.figures.calls / report.inputs.total).toBeLessThan(2);
  });

  it('leaves every text far from the redrive policy', () => {
    // Assess
    expect(report.queue.maxReceiveCount).toBeLessThanOrEqual(
      Math.floor(settings.maxReceiveCount / 2)
    );
  });
});
