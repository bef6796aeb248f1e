import type { RecordedRequest, Reply, Responder } from './endpoint';

export type Exchange = { request: RecordedRequest; reply: Reply };

/** A reply, or a function that may ask the service (`next`); undefined lets it answer. */
export type Script =
  | Reply
  | ((
      request: RecordedRequest,
      next: Responder
    ) => Reply | undefined | Promise<Reply | undefined>);

export type ScriptedResponder = ReturnType<typeof scriptedResponder>;

/** Scripted answers before a service: `queue` one per call, `always` until cleared. */
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
