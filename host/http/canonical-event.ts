import { randomUUID } from 'node:crypto';
import { HttpError } from './http-kit.js';

type Field = { field: string; message: string };
const TYPES = new Set(['track', 'page', 'identify', 'group', 'screen']);
const OBJECT_FIELDS = ['properties', 'traits', 'context'] as const;

/**
 * The gateway's shape check of one canonical event (../shared/signal-host.md). Adds what the gateway adds
 * (`type` from the endpoint, `messageId`, `receivedAt`) and lists every problem with its field.
 */
export function canonicalEvent(
  input: unknown,
  kind: 'track' | 'page' | 'any',
  prefix: string,
  now: number,
): { event?: Record<string, unknown>; errors: Field[] } {
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { errors: [{ field: prefix || '(body)', message: 'must be a JSON object' }] };
  const event = { ...(input as Record<string, unknown>) };
  const errors: Field[] = [];
  // In a batch, an item with an event name and no type is a track event.
  const type = event.type ?? (kind !== 'any' ? kind : typeof event.event === 'string' ? 'track' : undefined);
  if (typeof type !== 'string' || !TYPES.has(type))
    errors.push({ field: at('type'), message: `must be one of ${[...TYPES].join(', ')}` });
  else if (kind !== 'any' && type !== kind)
    errors.push({ field: at('type'), message: `must be ${kind} on this endpoint` });
  event.type = type;
  if (
    type === 'track' &&
    (typeof event.event !== 'string' || !event.event.trim() || event.event.length > 200)
  ) {
    errors.push({
      field: at('event'),
      message: 'is required for a track event: a name of 1 to 200 characters',
    });
  }
  for (const f of OBJECT_FIELDS) {
    const v = event[f];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
      errors.push({ field: at(f), message: 'must be an object' });
  }
  for (const f of ['userId', 'anonymousId', 'name'] as const) {
    const v = event[f];
    if (v !== undefined && v !== null && typeof v !== 'string')
      errors.push({ field: at(f), message: 'must be a string' });
  }
  if (
    event.messageId !== undefined &&
    (typeof event.messageId !== 'string' || !event.messageId || event.messageId.length > 200)
  ) {
    errors.push({ field: at('messageId'), message: 'must be a string of 1 to 200 characters' });
  }
  if (
    event.timestamp !== undefined &&
    typeof event.timestamp !== 'string' &&
    typeof event.timestamp !== 'number'
  ) {
    errors.push({ field: at('timestamp'), message: 'must be an ISO date-time string or epoch milliseconds' });
  }
  event.messageId ??= randomUUID();
  // The time of receipt goes in receivedAt only: the web and app blueprints fall back to it, the offline one
  // never does (an offline conversion's time is never invented).
  event.receivedAt = new Date(now).toISOString();
  return { event: errors.length === 0 ? event : undefined, errors };
}

/** The events of one ingestion request, or a 400 naming every bad field. */
export function eventsOf(
  body: unknown,
  endpoint: 't' | 'p' | 'batch',
  now: number,
): Array<Record<string, unknown>> {
  let results: Array<ReturnType<typeof canonicalEvent>>;
  if (endpoint === 'batch') {
    const batch = (body as { batch?: unknown } | undefined)?.batch;
    if (!Array.isArray(batch) || batch.length < 1 || batch.length > 500) {
      throw new HttpError(400, 'invalid_event', 'The body must be {"batch": [...]} with 1 to 500 events.', [
        { field: 'batch', message: 'must be a list of 1 to 500 events' },
      ]);
    }
    results = batch.map((e, i) => canonicalEvent(e, 'any', `batch[${i}]`, now));
  } else {
    results = [canonicalEvent(body, endpoint === 't' ? 'track' : 'page', '', now)];
  }
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0)
    throw new HttpError(
      400,
      'invalid_event',
      errors
        .slice(0, 20)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; '),
      errors.slice(0, 100),
    );
  return results.map((r) => r.event!);
}
