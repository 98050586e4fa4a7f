import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Reads the body, up to `limit` bytes. A body over it is refused without holding it: from `Content-Length`
 * before a byte is read, or as soon as a streamed body passes the limit (`tooLarge`, reading stopped; the
 * caller answers and closes the connection).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ text: string; bytes: number; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve({ text: '', bytes: declared, tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', reject);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes <= limit) return void chunks.push(chunk);
      // Not destroyed here: the caller still answers 413 on this connection, then closes it.
      stop();
      req.pause();
      resolve({ text: '', bytes, tooLarge: true });
    };
    const onEnd = (): void => {
      stop();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes, tooLarge: false });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Whether the request says it carries a body (a length above 0, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function bearer(req: IncomingMessage): string | undefined {
  const auth = header(req, 'authorization');
  const m = auth ? /^Bearer\s+(\S.*)$/i.exec(auth) : null;
  return m ? m[1]!.trim() : undefined;
}

/** The JSON value of `text`, or undefined when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What is read and dropped of a refused body while the client reads the answer, then the socket is cut: more
 * than loopback's socket buffers hold (a client that stops sending when the answer comes still has megabytes
 * in flight, and cutting a socket with unread bytes resets it, which can lose the answer on a busy client).
 */
const LINGER_BYTES = 16 * 1024 * 1024;
const LINGER_MS = 2_000;

/**
 * Answers, then closes the connection without holding what is left of the body: for two seconds, and at most
 * 16 MB, the rest is read and dropped (so a client still sending reads the answer rather than a reset), then
 * the socket is cut. A client that sent `Connection: close` is cut as soon as the answer is out.
 */
export function sendJsonAndClose(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const socket = res.socket;
  res.on('finish', () => {
    if (!socket) return;
    let dropped = 0;
    res.req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) socket.destroy();
    });
    res.req.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
  sendJson(res, status, body, headers);
}
