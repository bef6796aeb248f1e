import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: unknown;
}

/** What the endpoint answers; `drop` closes the socket with no answer. */
export type Reply =
  | {
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Record<string, string>;
      readonly delayMs?: number;
    }
  | { readonly drop: true };

export type Responder = (request: RecordedRequest) => Reply | Promise<Reply>;

/** `url` is for `AWS_ENDPOINT_URL_<SERVICE>`. */
export type LoopbackServer = { url: string; close(): Promise<void> };

export type LocalEndpoint = LoopbackServer & { requests: RecordedRequest[] };

export const serveOnLoopback = async (
  server: Server
): Promise<LoopbackServer> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // Closing waits for open connections, and the SDK keeps them alive.
        server.closeAllConnections();
      }),
  };
};

/** Records every request and answers what `respond` says (500 if it throws). */
export const startLocalEndpoint = async (
  respond: Responder
): Promise<LocalEndpoint> => {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const body = await text(req);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {} // not JSON: `json` stays undefined
    const { method = 'GET', url: path = '/', headers } = req;
    const request = { method, path, headers, body, json };
    requests.push(request);
    const reply = await Promise.resolve(request)
      .then(respond)
      .catch((error: unknown) => awsError(500, 'InternalFailure', `${error}`));
    if ('drop' in reply) {
      res.socket?.destroy();
      return;
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      ...reply.headers,
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  return { ...(await serveOnLoopback(server)), requests };
};

/** An AWS JSON/REST-JSON error reply as the SDKs parse it, with extra members. */
export const awsError = (
  status: number,
  type: string,
  message = type,
  members: Readonly<Record<string, unknown>> = {}
): Reply => ({
  status,
  headers: { 'x-amzn-errortype': type },
  body: { __type: type, message, Message: message, ...members },
});

// The stand-ins' REST operations; JSON services name theirs in X-Amz-Target.
const ROUTES: Readonly<Record<string, string>> = {
  '/chat-integration-event': 'SendChatIntegrationEvent',
  '/contact/chat': 'StartChatContact',
  '/contact/start-streaming': 'StartContactStreaming',
  '/participant/connection': 'CreateParticipantConnection',
  '/participant/message': 'SendMessage',
  '/participant/transcript': 'GetTranscript',
  '/participant/disconnect': 'DisconnectParticipant',
};

/** The operation a request calls (`StartChatContact`, `SendMessage`). */
export const operationOf = ({
  path = '',
  headers,
}: Pick<RecordedRequest, 'headers'> & { readonly path?: string }) =>
  String(headers['x-amz-target'] ?? ROUTES[path]).replace(/^\w+\./, '');

/** Calls to a REST route (`/contact/chat`) or an operation (`SendTextMessage`). */
export const callsTo = (requests: readonly RecordedRequest[], route: string) =>
  requests
    .filter((request) => [request.path, operationOf(request)].includes(route))
    .map(({ headers, json }) => ({
      bearer: headers['x-amz-bearer'],
      body: json as Record<string, unknown>,
    }));
