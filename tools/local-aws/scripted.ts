import type { RecordedRequest, Reply, Responder } from './endpoint';

export interface Exchange {
  readonly request: RecordedRequest;
  readonly reply: Reply;
}

/**
 * A scripted answer: a reply, or a function of the request that may ask
 * the service (`next`) and change its answer, or return `undefined` to let
 * the service answer as usual.
 */
export type Script =
  | Reply
  | ((
      request: RecordedRequest,
      next: Responder
    ) => Reply | undefined | Promise<Reply | undefined>);

export type ScriptedResponder = ReturnType<typeof scriptedResponder>;

/**
 * Puts scripted answers (429 then 200, a 5xx storm, a dropped connection)
 * in front of a service, so a test decides what each call meets: `queue`
 * answers the next calls, one each; `always` every call until cleared.
 */
export const scriptedResponder = (next: Responder) => {
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
    exchanges: exchanges as readonly Exchange[],
    queue: (...scripts: Script[]) => {
      queued.push(...scripts);
    },
    always: (script: Script | undefined) => {
      override = script;
    },
  };
};
