import type { RecordedRequest } from '../../tools/local-aws/endpoint';
import {
  type LocalParticipantMode,
  type LocalParticipantModeOptions,
  startLocalParticipantMode,
} from './local-participant-mode';

/**
 * Local participant mode for the tests of the enclosing `describe`: started
 * before the first and closed after the last. What it returns stands for
 * the started one, so use it inside tests and later hooks only.
 */
export const useLocalParticipantMode = (
  options: LocalParticipantModeOptions = {}
): LocalParticipantMode => {
  let started: LocalParticipantMode | undefined;
  beforeAll(async () => {
    started = await startLocalParticipantMode(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as LocalParticipantMode, {
    get: (_target, name) => {
      if (started === undefined) {
        throw new Error(
          'local participant mode starts in beforeAll; use it inside a test'
        );
      }
      return Reflect.get(started, name);
    },
  });
};

/**
 * Fresh customer numbers, `prefix` then four digits counting from `first`:
 * each test texts from its own number, so chats never mix.
 */
export const customerNumbers = (
  prefix: string,
  first: number
): (() => string) => {
  let next = first;
  return () => `${prefix}${String(next++).padStart(4, '0')}`;
};

/** The requests an endpoint gets from now on, read when called. */
export const newRequests = (endpoint: {
  readonly requests: readonly RecordedRequest[];
}): (() => RecordedRequest[]) => {
  const start = endpoint.requests.length;
  return () => endpoint.requests.slice(start);
};
