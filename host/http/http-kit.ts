import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { parseJsonLossless } from '../../plugin/amazon/lossless-json.js';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_S } from '../store/storage-errors.js';

/**
 * On every answer of the host: the page loads only its own files and cannot be framed, browsers take types as
 * sent, and no URL leaks in a Referer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** A request as a route handler sees it. */
export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: () => Promise<unknown>;
  raw: IncomingMessage;
}

export type Handler = (req: Request, res: ServerResponse) => Promise<void> | void;

/** An error with an HTTP status and a stable code, answered as `{"error":{"code","message","fields"?}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, {
    error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
  });
}

/**
 * Reads and parses a JSON body of at most `limit` bytes: 413 above it, 400 when it is not JSON. Integers of 16
 * or more digits are kept as their exact text (JSON.parse would round those beyond 2^53, so two order ids could
 * become one).
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new HttpError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonLossless(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  if (deeperThan(value, MAX_DEPTH))
    throw new HttpError(400, 'too_deep', `The body nests deeper than ${MAX_DEPTH} levels.`);
  return value;
}

/** Nesting allowed in a request body; deeper JSON would only serve to exhaust the stack of whatever walks it. */
export const MAX_DEPTH = 64;

/** True when `value` nests objects or arrays deeper than `limit` (checked without recursion). */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Constant-time check of `Authorization: Bearer <token>` (or `?token=` for EventSource streams). */
export function checkBearer(req: Request, token: string, allowQuery = false): void {
  const header = req.headers.authorization;
  const given =
    typeof header === 'string' && /^Bearer\s+/i.test(header)
      ? header.replace(/^Bearer\s+/i, '').trim()
      : allowQuery
        ? (req.query.get('token') ?? '')
        : '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (!given) throw new HttpError(401, 'unauthorized', 'Send Authorization: Bearer <token>.');
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new HttpError(401, 'unauthorized', 'The token is not valid.');
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** A small router: `GET /v1/admin/integrations/:id`. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-z_]+)/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The node `request` listener: routes, answers 404 / 405, and turns thrown errors into JSON errors. */
  listener(bodyLimit: number): (req: IncomingMessage, res: ServerResponse) => void {
    return (raw, res) => {
      const url = new URL(raw.url ?? '/', 'http://host');
      const method = raw.method ?? 'GET';
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const matches = this.routes.filter((r) => r.pattern.test(url.pathname));
      // HEAD answers as GET does; Node sends no body for it.
      const route = matches.find((r) => r.method === (method === 'HEAD' ? 'GET' : method));
      const handle = async (): Promise<void> => {
        if (!route) {
          throw matches.length > 0
            ? new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}.`)
            : new HttpError(404, 'not_found', `No route ${method} ${url.pathname}.`);
        }
        const m = route.pattern.exec(url.pathname)!;
        let parsed: Promise<unknown> | undefined;
        await route.handler(
          {
            method,
            path: url.pathname,
            query: url.searchParams,
            params: pathParams(route.names, m),
            headers: raw.headers,
            body: () => (parsed ??= readJson(raw, bodyLimit)),
            raw,
          },
          res,
        );
      };
      handle().catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        if (error instanceof HttpError) return sendError(res, error);
        if (isStorageUnavailable(error)) {
          // Disk full, read-only, I/O error: nothing was stored; the client keeps the request and sends it again.
          res.setHeader('retry-after', String(STORAGE_RETRY_AFTER_S));
          return sendError(
            res,
            new HttpError(
              503,
              'storage_unavailable',
              'The host cannot store anything right now; send it again later.',
            ),
          );
        }
        sendError(res, new HttpError(500, 'internal_error', 'The host failed to handle the request.'));
      });
    };
  }
}

/**
 * The path's parameters, each decoded when a handler reads it, so a malformed one (`%E0%A4%A`) is a 400 that
 * comes after the handler's authentication, not a 500 before it.
 */
function pathParams(names: string[], match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    Object.defineProperty(params, name, {
      enumerable: true,
      get: () => {
        try {
          return decodeURIComponent(match[i + 1]!);
        } catch {
          throw new HttpError(400, 'invalid_request', `The ${name} in the path is not valid URL encoding.`, [
            { field: name, message: 'is not valid URL encoding' },
          ]);
        }
      },
    });
  });
  return params;
}

/** `?limit=` within 1..max (default `fallback`); a 400 otherwise. */
export function limitParam(query: URLSearchParams, fallback = 50, max = 500): number {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new HttpError(400, 'invalid_request', `limit must be a whole number from 1 to ${max}.`, [
      { field: 'limit', message: `must be 1 to ${max}` },
    ]);
  return n;
}
