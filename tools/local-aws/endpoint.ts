import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as it arrived on the wire. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
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

/** A server listening on 127.0.0.1. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_<SERVICE>`. */
  readonly url: string;
  /** Stops it, ending the connections the SDK keeps alive. */
  close(): Promise<void>;
}

export interface LocalEndpoint extends LoopbackServer {
  readonly requests: RecordedRequest[];
}

/** Starts `server` on a free port of 127.0.0.1. */
export const serveOnLoopback = async (
  server: Server
): Promise<LoopbackServer> => {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
};

/**
 * An HTTP server on 127.0.0.1 that records every request and answers with
 * what `respond` says. It stands in for an AWS service in tests and the demo.
 */
export const startLocalEndpoint = async (
  respond: Responder
): Promise<LocalEndpoint> => {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        json: parseJson(body),
      };
      requests.push(request);
      Promise.resolve(respond(request))
        .then((reply) => send(res, reply))
        .catch((error: unknown) =>
          send(res, { status: 500, body: { message: String(error) } })
        );
    });
  });
  return { ...(await serveOnLoopback(server)), requests };
};

const send = (res: ServerResponse, reply: Reply): void => {
  if ('drop' in reply) {
    res.socket?.destroy();
    return;
  }
  const write = () => {
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      ...reply.headers,
    });
    res.end(text);
  };
  if (reply.delayMs) setTimeout(write, reply.delayMs);
  else write();
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** An AWS JSON/REST-JSON error reply, as the SDKs parse it. */
export const awsError = (
  status: number,
  type: string,
  message = type
): Reply => ({
  status,
  headers: { 'x-amzn-errortype': type },
  body: { __type: type, message, Message: message },
});
