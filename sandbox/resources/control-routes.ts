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

const CREDENTIAL_HEADERS = ['authorization', 'amazon-advertising-api-token'];

/** A kept request as the control shows it: its credentials masked. */
function masked(request: ReceivedRequest): ReceivedRequest {
  const headers = { ...request.headers };
  for (const name of CREDENTIAL_HEADERS) if (headers[name] !== undefined) headers[name] = '***';
  return { ...request, headers };
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
