import { safeJson, sendJson } from '../http-util.js';
import { readChaos, readFaultRule } from '../faults.js';
import type {
  ReceivedRequest,
  SandboxCall,
  SandboxContext,
  SandboxHandler,
  SandboxRoutes,
} from '../sandbox-context.js';

/** The test controls under `/__sandbox/`: state, accepted events, faults, chaos, token expiry, reset. */
export const controlRoutes: SandboxRoutes = (add) => {
  const control = (method: string, path: string, handle: SandboxHandler) =>
    add({ method, path: `/__sandbox/${path}`, kind: 'control', handle });
  control('GET', 'state', (call, ctx) => ok(call, ctx.state()));
  control('GET', 'events', (call, ctx) => {
    const limit = limitOf(call);
    if (limit === undefined) return;
    ok(call, {
      data: [...ctx.acceptedEvents.byKey.values()].slice(-limit),
      duplicates: ctx.acceptedEvents.duplicates,
    });
  });
  control('GET', 'requests', (call, ctx) => {
    const limit = limitOf(call);
    if (limit === undefined) return;
    ok(call, { data: ctx.requests.slice(-limit).map(masked) });
  });
  control('POST', 'faults', addFaults);
  control('POST', 'chaos', (call, ctx) => {
    const chaos = readChaos(call.body.text.trim() === '' ? undefined : (safeJson(call.body.text) ?? null));
    if (typeof chaos === 'string') return refuse(call, chaos);
    ctx.chaos.set(chaos);
    ok(call);
  });
  control('POST', 'expire-tokens', (call, ctx) => {
    const body = safeJson(call.body.text) as { includeStatic?: boolean } | undefined;
    ctx.expireTokens(Boolean(body?.includeStatic));
    ok(call);
  });
  control('POST', 'reset', (call, ctx) => {
    ctx.reset();
    ok(call);
  });
};

/** Adds scripted faults (one rule or a list), checked whole first: one bad rule adds none and answers 400. */
function addFaults(call: SandboxCall, ctx: SandboxContext): void {
  const body = safeJson(call.body.text);
  const rules = (Array.isArray(body) ? body : [body]).map(readFaultRule);
  const wrong = rules.findIndex((r) => typeof r === 'string');
  if (wrong >= 0)
    return sendJson(call.res, 400, {
      code: 'BAD_REQUEST',
      message: `fault ${wrong}: ${rules[wrong] as string}`,
    });
  for (const rule of rules) ctx.faults.add(rule as Exclude<(typeof rules)[number], string>);
  ok(call, { pendingFaults: ctx.faults.pending, poisonedEventIds: ctx.faults.poisoned.size });
}

const CREDENTIAL_HEADERS = ['authorization', 'amazon-advertising-api-token', 'x-api-key', 'cookie'];
/** Body fields that carry credentials (compared lower-cased without `_` and `-`). */
const CREDENTIAL_FIELDS = new Set(
  [
    'client_secret',
    'refresh_token',
    'access_token',
    'id_token',
    'code',
    'code_verifier',
    'client_assertion',
    'api_key',
    'apikey',
    'password',
    'token',
  ].map((k) => k.replace(/_/g, '')),
);
const isCredentialField = (key: string): boolean =>
  CREDENTIAL_FIELDS.has(key.toLowerCase().replace(/[-_]/g, ''));

/** A kept request as the control shows it: its credentials masked, in headers and in the body. */
function masked(request: ReceivedRequest): ReceivedRequest {
  const headers = { ...request.headers };
  for (const name of CREDENTIAL_HEADERS) if (headers[name] !== undefined) headers[name] = '***';
  return { ...request, headers, body: maskedBody(request.body) };
}

/** A JSON body with credential fields masked at any depth; any other body read as a form and masked alike. */
function maskedBody(body: string): string {
  const looksJson = body.trimStart().startsWith('{') || body.trimStart().startsWith('[');
  const json = looksJson ? safeJson(body) : undefined;
  if (json !== undefined) return JSON.stringify(maskJson(json));
  // JSON cut short (an excerpt) or broken: its fields cannot be told apart, so none of it is shown.
  if (looksJson) return `[${body.length} characters of JSON that does not parse]`;
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      return eq !== -1 && isCredentialField(safeDecode(key)) ? `${key}=***` : pair;
    })
    .join('&');
}

function maskJson(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      isCredentialField(k) && v !== null ? '***' : maskJson(v, depth + 1),
    ]),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The `limit` query parameter (1000 when absent), or undefined once 400 is answered. */
function limitOf(call: SandboxCall): number | undefined {
  const text = call.url.searchParams.get('limit');
  const limit = text === null ? 1000 : /^[0-9]{1,6}$/.test(text) ? Number(text) : 0;
  if (limit >= 1) return limit;
  refuse(call, 'limit must be a whole number from 1 to 999999');
  return undefined;
}

function refuse(call: SandboxCall, message: string): void {
  sendJson(call.res, 400, { code: 'BAD_REQUEST', message });
}

function ok(call: SandboxCall, payload: unknown = { ok: true }): void {
  sendJson(call.res, 200, payload);
}
