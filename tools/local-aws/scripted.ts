import type { RecordedRequest, Reply, Responder } from './endpoint';

/** One request and what the endpoint answered it. */
export interface Exchange {
  readonly request: RecordedRequest;
  readonly reply: Reply;
}

export interface ScriptedResponder {
  readonly respond: Responder;
  /** Every request in arrival order, with its reply. */
  readonly exchanges: readonly Exchange[];
  /**
   * Answers the next calls with these, one each, in order; then `next`
   * answers again. A function entry decides from the request.
   */
  queue(...replies: (Reply | Responder)[]): void;
  /** Answers every call with this until cleared with `undefined`. */
  always(reply: Reply | Responder | undefined): void;
}

/**
 * Puts scripted answers (429 then 200, a 5xx storm, a 400) in front of a
 * service's normal behaviour, so a test decides what each call meets.
 */
export const scriptedResponder = (next: Responder): ScriptedResponder => {
  const queued: (Reply | Responder)[] = [];
  const exchanges: Exchange[] = [];
  let override: Reply | Responder | undefined;
  const respond: Responder = async (request) => {
    const scripted = override ?? queued.shift();
    const reply =
      scripted === undefined
        ? await next(request)
        : typeof scripted === 'function'
          ? await scripted(request)
          : scripted;
    exchanges.push({ request, reply });
    return reply;
  };
  return {
    respond,
    exchanges,
    queue: (...replies) => {
      queued.push(...replies);
    },
    always: (reply) => {
      override = reply;
    },
  };
};

/** Whether the endpoint answered with a success status. */
export const succeeded = ({ reply }: Exchange): boolean =>
  'status' in reply && reply.status >= 200 && reply.status < 300;
