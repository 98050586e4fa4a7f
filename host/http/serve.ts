import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../plugin/index.js';
import { errorKind } from '../error-kind.js';

/** What a request that Node's parser refuses gets, by the parser's code; a 400 for every other. */
const PARSER_ANSWERS: ReadonlyMap<string, [status: number, text: string, code: string]> = new Map([
  ['HPE_HEADER_OVERFLOW', [431, 'Request Header Fields Too Large', 'headers_too_large']],
  ['ERR_HTTP_REQUEST_TIMEOUT', [408, 'Request Timeout', 'request_timeout']],
]);

/**
 * How many connections a server holds and how long a client may take. A connection past `maxConnections` is
 * closed as soon as it is accepted; a request whose headers are not in after `headersTimeoutMs` (whole after
 * `requestTimeoutMs`) is answered 408 and closed; an idle keep-alive connection is closed after
 * `keepAliveTimeoutMs`. Node's defaults hold no cap and 60 s for headers, so idle clients sending a byte now
 * and then could take every file descriptor the process has.
 */
export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** The admin port's room is its own: a flood of the ingest port leaves it (and the database's files) room. */
export const DEFAULT_LIMITS: Readonly<Record<'admin' | 'ingest', ServerLimits>> = {
  admin: {
    maxConnections: 256,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
  },
  ingest: {
    maxConnections: 4_096,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
  },
};

/** `base` with the limits of `over` that are set (an unset environment variable leaves the default). */
export function limitsWith(base: ServerLimits, over: Partial<ServerLimits> = {}): ServerLimits {
  const set = Object.entries(over).filter(([, value]) => value !== undefined);
  const limits = { ...base, ...(Object.fromEntries(set) as Partial<ServerLimits>) };
  // Node refuses a request timeout shorter than the headers'.
  return { ...limits, requestTimeoutMs: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs) };
}

/**
 * An HTTP server with both of the host's boundaries, held to `limits`: every request goes through `listener`
 * (a router's `Router.listener`, which answers whatever it is given), and a request Node cannot even parse (a
 * bad request line, bad header bytes, headers too large, too slow) is answered 400 (431, 408) with a JSON error
 * on the raw socket, which is then closed.
 */
export function serve(listener: RequestListener, limits: ServerLimits, logger?: Logger): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts are checked (Node's default, 30 s, would let a 10 s limit run to 40 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuse(error, socket));
  // Once listening, an error is one connection's (EMFILE on accept under a flood): logged, never fatal. (Before,
  // it is the start's: the port is taken, and the start fails.)
  server.once('listening', () =>
    server.on('error', (error: NodeJS.ErrnoException) =>
      logger?.error('server error', { event: 'server_error', code: error.code, error: errorKind(error) }),
    ),
  );
  return server;
}

function refuse(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  // A good request before the bad one is still being answered: that answer goes out, then the socket closes
  // (a 400 written now would come first, and be taken for its answer).
  const answering = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (answering && !answering.writableFinished) {
    const close = () => socket.destroy();
    answering.once('finish', close).once('close', close);
    setTimeout(close, 5_000).unref();
    return;
  }
  const [status, text, code] = PARSER_ANSWERS.get(error.code ?? '') ?? [400, 'Bad Request', 'bad_request'];
  const body = JSON.stringify({
    error: { code, message: 'The request is not valid HTTP/1.1; nothing was done.' },
  });
  // Closed once written, or after a second for a peer that never reads.
  const timer = setTimeout(() => socket.destroy(), 1_000).unref();
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    () => (clearTimeout(timer), socket.destroy()),
  );
}
