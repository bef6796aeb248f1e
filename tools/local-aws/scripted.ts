import type { RecordedRequest, Reply, Responder } from './endpoint';

/** One request and what the endpoint answered it. */
export interface Exchange {
  readonly request: RecordedRequest;
  readonly reply: Reply;
}

/**
 * A scripted answer: a reply, or a function that decides from the request.
 * The function may ask the service (`next`) and change its answer (delay
 * it), or return `undefined` to let the service answer as usual.
 */
export type Script =
  | Reply
  | ((
      request: RecordedRequest,
      next: Responder
    ) => Reply | undefined | Promise<Reply | undefined>);

export interface ScriptedResponder {
  readonly respond: Responder;
  /** Every request in arrival order, with its reply. */
  readonly exchanges: readonly Exchange[];
  /** Answers the next calls with these, one each, in order. */
  queue(...scripts: Script[]): void;
  /** Answers every call with this until cleared with `undefined`. */
  always(script: Script | undefined): void;
}

/**
 * Puts scripted answers (429 then 200, a 5xx storm, a 400, a dropped
 * connection) in front of a service's normal behaviour, so a test decides
 * what each call meets.
 */
export const scriptedResponder = (next: Responder): ScriptedResponder => {
  const queued: Script[] = [];
  const exchanges: Exchange[] = [];
  let override: Script | undefined;
  const respond: Responder = async (request) => {
    const script = override ?? queued.shift();
    const scripted =
      typeof script === 'function' ? await script(request, next) : script;
    const reply = scripted ?? (await next(request));
    exchanges.push({ request, reply });
    return reply;
  };
  return {
    respond,
    exchanges,
    queue: (...scripts) => {
      queued.push(...scripts);
    },
    always: (script) => {
      override = script;
    },
  };
};

/** Whether the endpoint answered with a success status. */
export const succeeded = ({ reply }: Exchange): boolean =>
  'status' in reply && reply.status >= 200 && reply.status < 300;
