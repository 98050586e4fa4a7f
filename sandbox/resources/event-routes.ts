import { header, safeJson } from '../http-util.js';
import { validateEvent, type SandboxEventError } from '../event-rules.js';
import type { SandboxCall, SandboxContext, SandboxRoutes } from '../sandbox-context.js';
import { eventsCaller } from './api-auth.js';
import { eventsAccount } from './event-account.js';

/** The Events API: `POST /adsApi/v1/create/events`, one 207 with an outcome per event. */
export const eventRoutes: SandboxRoutes = (add) => {
  add({ method: 'POST', path: '/adsApi/v1/create/events', kind: { api: 'events' }, handle: createEvents });
};

function createEvents(call: SandboxCall, ctx: SandboxContext): void {
  const { reply } = call;
  const caller = eventsCaller(call, ctx);
  if (!caller) return;
  // Unknown whether Amazon reads the body or the advertiser first (docs/sandbox.md): with `bodyFirst`, a bad
  // body (an empty event list) answers 400 even for an advertiser the caller cannot reach.
  const bodyFirst = ctx.options.bodyFirst ? eventList(call, ctx) : undefined;
  if (ctx.options.bodyFirst && !bodyFirst) return;
  const target = eventsAccount(call, ctx, caller);
  if (target === undefined) return;
  const { accountId, region } = target;
  const wait = ctx.rateLimit?.take(accountId);
  if (wait !== undefined)
    return reply(
      429,
      { code: 'TOO_MANY_REQUESTS', message: 'Rate exceeded for this advertiser account' },
      { 'retry-after': String(wait) },
    );
  const events = bodyFirst ?? eventList(call, ctx);
  if (!events) return;
  const poisoned = poisonedIn(events, ctx);
  if (poisoned.length > 0) {
    // Amazon refused that event alone: the ledger counts it rejected, as the caller does (docs/sandbox.md).
    if (events.length === 1) ctx.counters.eventsRejected += 1;
    return reply(400, { code: 'BAD_REQUEST', message: validationMessage(poisoned) });
  }
  const now = ctx.options.now();
  const success: Array<{ index: number; event: unknown }> = [];
  const error: Array<{ index: number; errors: SandboxEventError[] }> = [];
  events.forEach((event, index) => {
    const errors = validateEvent(event, index, { now, region }, ctx.options.tagRules);
    const eventDataSet = (event as { dataSetId?: unknown } | null)?.dataSetId;
    if (caller.dataSetId !== undefined && eventDataSet !== caller.dataSetId)
      errors.push({
        code: 'FIELD_VALUE_IS_INVALID',
        message: 'dataSetId must be the dataset the API token is bound to',
        fieldLocation: `events[${index}].dataSetId`,
      });
    if (errors.length === 0 && ctx.chaos.eventError()) {
      errors.push({
        code: 'FIELD_VALUE_IS_INVALID',
        message: 'Injected per-event error',
        fieldLocation: `events[${index}]`,
      });
    }
    if (errors.length > 0) {
      error.push({ index, errors });
      return;
    }
    success.push({ index, event });
    ctx.acceptedEvents.store(accountId, event as Record<string, unknown>, now);
  });
  ctx.counters.eventsAccepted += success.length;
  ctx.counters.eventsRejected += error.length;
  reply(207, { success, error });
}

/** The request's events, or the whole-request refusal answered (content type, size, JSON, shape). */
function eventList(call: SandboxCall, ctx: SandboxContext): unknown[] | undefined {
  const { reply, body } = call;
  const type = header(call.req, 'content-type') ?? '';
  if (!/^application\/(?:json|vnd\.dspconversioneventimport\.v1\+json)\b/.test(type)) {
    reply(415, { code: 'BAD_REQUEST', message: 'Unsupported Content-Type' });
    return undefined;
  }
  if (body.bytes > ctx.options.maxBodyBytes) {
    reply(413, {
      code: 'CONTENT_TOO_LARGE',
      message: 'Request payload is too large. Consider splitting it into multiple requests.',
    });
    return undefined;
  }
  const parsed = safeJson(body.text);
  if (parsed === undefined) {
    reply(400, { code: 'BAD_REQUEST', message: 'Request body is not valid JSON' });
    return undefined;
  }
  const events = (parsed as { events?: unknown }).events;
  if (
    !Array.isArray(events) ||
    events.length < 1 ||
    events.length > 500 ||
    Object.keys(parsed as object).some((k) => k !== 'events')
  ) {
    reply(400, {
      code: 'BAD_REQUEST',
      message: 'events must be an array of 1 to 500 events, and nothing else at the top level',
    });
    return undefined;
  }
  return events;
}

/** The positions and ids of the request's events on the poison list. */
function poisonedIn(events: unknown[], ctx: SandboxContext): Array<{ index: number; eventId: string }> {
  if (ctx.faults.poisoned.size === 0) return [];
  return events.flatMap((event, index) => {
    const eventId = (event as { eventId?: unknown } | null)?.eventId;
    return typeof eventId === 'string' && ctx.faults.poisoned.has(eventId) ? [{ index, eventId }] : [];
  });
}

/**
 * The whole-request 400 message in the form other Amazon Ads APIs give (Smithy's validation message; source in
 * docs/sandbox.md): `N validation error(s) detected: Value '…' at '…' failed to satisfy constraint: …`, one
 * clause a value, joined by `; `.
 */
function validationMessage(poisoned: Array<{ index: number; eventId: string }>): string {
  const n = poisoned.length;
  const clauses = poisoned.map(
    ({ index, eventId }) =>
      `Value '${eventId}' at 'events.${index + 1}.member.eventId' failed to satisfy constraint: ` +
      'Member must be an event this advertiser can accept',
  );
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${clauses.join('; ')}`;
}
