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

/** Reads the whole body, up to `limit` bytes; `tooLarge` when it was longer (the rest is drained). */
export async function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ text: string; bytes: number; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    bytes += b.length;
    if (bytes <= limit) chunks.push(b);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, tooLarge: bytes > limit };
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
