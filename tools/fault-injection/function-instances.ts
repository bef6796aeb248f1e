import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { invocationContext, loadHandler } from '../harness/bridge-start';
import type { Handler } from '../harness/local-bridge';
import type { LogCapture } from '../harness/log-capture';
import { nodeProcess } from '../harness/node-realm';
import type { InboundFunction } from '../harness/synth';

/** How an invocation ended, as the event source mapping sees it. */
export type InvocationOutcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'error'; readonly errorName: string }
  | { readonly kind: 'timeout' };

export interface FunctionInstances {
  /**
   * Invokes execution environment `slot` (one invocation at a time each,
   * as Lambda runs them), starting it first if it has none.
   */
  invoke(slot: number, event: SQSEvent): Promise<InvocationOutcome>;
  /** Execution environments started, the first ones included. */
  coldStarts(): number;
  /** Waits for invocations that ran past the timeout to settle. */
  settle(): Promise<void>;
}

/**
 * Lambda execution environments for the bundle: each loads the bundle
 * afresh (its own SDK clients, retry quota and Powertools state), so
 * concurrent invocations share nothing but the services they call. Needs
 * the environment a local bridge sets, so open one first.
 *
 * An invocation that outlasts the function's timeout counts as failed and
 * its environment is replaced, as Lambda does. Lambda would freeze it; here it cannot be
 * stopped, so it runs on unobserved until `settle`.
 */
export const functionInstances = (
  fn: InboundFunction,
  capture: LogCapture
): FunctionInstances => {
  const handlers = new Map<number, Handler>();
  const orphans = new Set<Promise<unknown>>();
  let started = 0;

  const handlerFor = async (slot: number): Promise<Handler> => {
    const existing = handlers.get(slot);
    if (existing !== undefined) return existing;
    const handler = await loadHandler<Handler>(fn, capture.during);
    started++;
    handlers.set(slot, handler);
    return handler;
  };

  return {
    invoke: async (slot, event) => {
      const handler = await handlerFor(slot);
      const context = invocationContext(
        fn,
        nodeProcess.env.AWS_LAMBDA_FUNCTION_NAME
      );
      const running = capture.during(
        () => handler(event, context) as Promise<SQSBatchResponse | undefined>
      );
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000);
      });
      try {
        const result = await Promise.race([running, timedOut]);
        if (result === 'timeout') {
          handlers.delete(slot);
          const orphan = running.catch(() => undefined);
          orphans.add(orphan);
          void orphan.finally(() => orphans.delete(orphan));
          return { kind: 'timeout' };
        }
        return { kind: 'response', response: result };
      } catch (error) {
        return {
          kind: 'error',
          errorName: error instanceof Error ? error.name : typeof error,
        };
      } finally {
        clearTimeout(timer);
      }
    },
    coldStarts: () => started,
    settle: async () => {
      await Promise.all([...orphans]);
    },
  };
};
