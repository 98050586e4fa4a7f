import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../plugin/index.js';
import { parseJsonLossless } from '../../plugin/amazon/lossless-json.js';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_S } from '../store/storage-errors.js';
import { HttpError } from './http-error.js';
import { parseTarget } from './request-target.js';
import { sameSecret } from './same-secret.js';
import { errorKind } from '../error-kind.js';

export { HttpError } from './http-error.js';

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
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit)
        throw new HttpError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // The client went away, or sent bytes that are not the body it announced.
    throw new HttpError(400, 'incomplete_body', 'The body ended before the length it announced.');
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

/** The token of `Authorization: Bearer <token>`, or undefined when the header is absent or of another scheme. */
export function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return header.slice(space + 1).trim() || undefined;
}

/** Checks `Authorization: Bearer <token>` in constant time (length included); 401 otherwise. */
export function checkBearer(req: Request, token: string): void {
  const given = bearerOf(req);
  if (given === undefined) throw new HttpError(401, 'unauthorized', 'Send Authorization: Bearer <token>.');
  if (!sameSecret(given, token)) throw new HttpError(401, 'unauthorized', 'The token is not valid.');
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

  /**
   * The node `request` listener, and the one boundary every request passes: the target is parsed inside it
   * (400 `invalid_target` when it cannot be), routes answer 404 / 405, a thrown `HttpError` is its JSON error,
   * storage failures 503, and anything else a 500 that is logged (the error's kind and place, never its
   * message, which may quote the request) while the process goes on.
   */
  listener(bodyLimit: number, logger?: Logger): (req: IncomingMessage, res: ServerResponse) => void {
    return (raw, res) => {
      this.handle(raw, res, bodyLimit).catch((error: unknown) => answerError(raw, res, error, logger));
    };
  }

  private async handle(raw: IncomingMessage, res: ServerResponse, bodyLimit: number): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const method = raw.method ?? 'GET';
    const { pathname, query } = parseTarget(raw.url);
    const matches = this.routes.filter((r) => r.pattern.test(pathname));
    // HEAD answers as GET does; Node sends no body for it.
    const route = matches.find((r) => r.method === (method === 'HEAD' ? 'GET' : method));
    if (!route) {
      throw matches.length > 0
        ? new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}.`)
        : new HttpError(404, 'not_found', `No route ${method} ${pathname}.`);
    }
    const m = route.pattern.exec(pathname)!;
    let parsed: Promise<unknown> | undefined;
    await route.handler(
      {
        method,
        path: pathname,
        query,
        params: pathParams(route.names, m),
        headers: raw.headers,
        body: () => (parsed ??= readJson(raw, bodyLimit)),
        raw,
      },
      res,
    );
  }
}

/** Whatever a handler threw, as an answer; a connection that can no longer take one is closed. */
function answerError(raw: IncomingMessage, res: ServerResponse, error: unknown, logger?: Logger): void {
  try {
    if (res.headersSent) return void res.destroy();
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
    logger?.error('request failed', { event: 'request_error', method: raw.method, error: errorKind(error) });
    sendError(res, new HttpError(500, 'internal_error', 'The host failed to handle the request.'));
  } catch {
    res.destroy();
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
