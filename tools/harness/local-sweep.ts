import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { functionEnvironment, loadFunction } from './bridge-start';
import {
  type CapturedLine,
  captureLogs,
  type LogCaptureOptions,
} from './log-capture';
import { setEnvironment } from './node-realm';
import type { LocalEndpoints } from './sandbox';
import { type BridgeFunction, STACK_NAME } from './synth';

/** The opt-out sweep's function in the synthesized stack. */
export const OPT_OUT_SWEEP_FUNCTION_PATH = `${STACK_NAME}/Bridge/OptOutSweep/Function/Resource`;

const FUNCTION_NAME = 'SmsConnectBridge-OptOutSweepFunction';

export interface LocalSweepOptions {
  /** The synthesized sweep function whose bundle runs. */
  readonly fn: BridgeFunction;
  /** The local services an open bridge runs, by SDK endpoint variable. */
  readonly endpoints: LocalEndpoints;
  /** Where every other AWS service goes (the bridge's catch-all). */
  readonly otherServices: string;
  /** The local names of the tables the template refers to. */
  readonly tables: {
    readonly state: string;
    /** Participant mode only. */
    readonly sessions?: string;
  };
  /** @default - lines are captured and still written to the streams */
  readonly logs?: LogCaptureOptions;
}

export interface LocalSweep {
  /** What the bundle wrote to stdout and stderr, line by line. */
  readonly logs: readonly CapturedLine[];
  /** One scheduled run, as EventBridge invokes it every minute. */
  run(): Promise<void>;
}

/** The event an EventBridge schedule sends (the sweep reads none of it). */
const scheduledEvent = (region: string): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: new Date().toISOString(),
  region,
  resources: [
    `arn:aws:events:${region}:111122223333:rule/SmsConnectBridge-OptOutSweepSchedule`,
  ],
  detail: {},
});

/**
 * Loads the opt-out sweep's bundle beside an open local bridge
 * (`startLocalBridge` or `startLocalParticipantBridge`), against that
 * bridge's services and tables. It borrows Node's environment only while
 * it loads or runs, and gives it back, so run it when no function of the
 * bridge is running.
 */
export const loadLocalSweep = async ({
  fn,
  endpoints,
  otherServices,
  tables,
  logs: logOptions,
}: LocalSweepOptions): Promise<LocalSweep> => {
  const environment = functionEnvironment(
    fn,
    FUNCTION_NAME,
    { otherServices, endpoints },
    {
      SWEEP_STATE_TABLE_NAME: tables.state,
      ...(tables.sessions === undefined
        ? {}
        : { SESSION_TABLE_NAME: tables.sessions }),
    }
  );
  const capture = captureLogs(logOptions);
  const during = async <T>(work: () => Promise<T> | T): Promise<T> => {
    const restore = setEnvironment(environment);
    try {
      return await capture.during(work);
    } finally {
      restore();
    }
  };
  const invoke = await loadFunction<ScheduledEvent, void>(
    fn,
    FUNCTION_NAME,
    during
  );
  return {
    logs: capture.lines,
    run: () => invoke(scheduledEvent(fn.region)),
  };
};
