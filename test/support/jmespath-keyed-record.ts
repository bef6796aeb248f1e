import {
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { fakeContext } from '../../tools/harness/lambda-context';

export interface JmesPathKeyedRun {
  /** A store over the table the function's records live in. */
  readonly persistenceStore: BasePersistenceLayer;
  /** What selected the key from the payload: `inboundMessageId`, `key`. */
  readonly eventKeyJmesPath: string;
  readonly keyPrefix?: string;
  /** What the function made idempotent was called with. */
  readonly payload: object;
  /** What that function returned, kept in the record. */
  readonly result: Readonly<Record<string, unknown>>;
}

/**
 * Runs a payload through an idempotent function the way the bridge's
 * functions did before they took their key as an argument: the whole
 * payload passed, the key picked from it with `eventKeyJmesPath`. Resolves
 * to whether the function ran, that is, no record was found under the key;
 * when it ran, the store holds a completed record under that key.
 */
export const runKeyedByJmesPath = async (
  run: JmesPathKeyedRun
): Promise<boolean> => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: run.eventKeyJmesPath,
    expiresAfterSeconds: 3600,
  });
  config.registerLambdaContext(fakeContext());
  let ran = false;
  const once = makeIdempotent(
    async (_payload: object) => {
      ran = true;
      return run.result;
    },
    {
      persistenceStore: run.persistenceStore,
      config,
      ...(run.keyPrefix === undefined ? {} : { keyPrefix: run.keyPrefix }),
      dataIndexArgument: 0,
    }
  );
  await once(run.payload);
  return ran;
};
