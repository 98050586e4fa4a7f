import { troubleshooting } from '../catalog/manifest.js';
import { redactText } from '../logging/redact.js';
import { maskPersonalText } from '../logging/mask-personal-text.js';
import { retryAfterMs } from '../deliver/backoff.js';
import { said, safeParse } from './error-body.js';
import type { AmazonResponse } from './http.js';
import type { DeliveryCode, OutcomeCode } from '../contracts.js';

/** What Amazon's answer means for one event of the batch. */
export type EventVerdict =
  | { status: 'delivered' }
  | { status: 'rejected'; code: OutcomeCode; message: string; fieldLocation?: string }
  | { status: 'retry'; code: OutcomeCode; message: string };

/** What Amazon's answer means for a whole batch. The one place that reads Amazon's answers to create/events. */
export type BatchVerdict =
  | { kind: 'per-event'; events: EventVerdict[] }
  /** Amazon refused the credentials; `message` when Login with Amazon said why it would not renew them. */
  | { kind: 'auth'; message?: string }
  /**
   * Amazon refused the whole request for what some of its events hold: send the halves apart, and an event
   * that gets the same answer alone is rejected with `alone`.
   */
  | { kind: 'split'; alone: { code: OutcomeCode; message: string } }
  | { kind: 'retry'; code: DeliveryCode; message: string; retryAfterMs?: number; throttled: boolean }
  | { kind: 'reject'; code: DeliveryCode; message: string };

/** Per-event error codes that describe a passing condition, not a bad event. */
const TRANSIENT_EVENT_CODES = new Set(['TOO_MANY_REQUESTS', 'INTERNAL_ERROR']);

/**
 * The whole-request 400 other Amazon Ads APIs give for a value that breaks a constraint (Smithy's validation
 * message, e.g. `1 validation error detected: Value '…' at 'stateFilter.include' failed to satisfy constraint:
 * …`, from Sponsored Products v3; docs/sandbox.md names the source). When it names a value inside the events
 * it is about some of them, not the request: splitting finds them. Any other 400 (a header, a malformed body,
 * a validation message about something else) is the request's own fault.
 */
const VALIDATION_MESSAGE = /^\d{1,4} validation errors? detected/;
/** A clause of that message about a value inside the events (`at 'events.3.member.eventTime'`). */
const AT_AN_EVENT = / at 'events[.[]/;

/** A whole-request 400 in the validation form: what to tell the event that stands alone with it. */
function validationError(r: AmazonResponse): { code: OutcomeCode; message: string } | undefined {
  if (r.status !== 400) return undefined;
  const body = safeParse(r.body) as { code?: unknown; message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : undefined;
  if (message === undefined || !VALIDATION_MESSAGE.test(message) || !AT_AN_EVENT.test(message))
    return undefined;
  return {
    code: typeof body?.code === 'string' ? body.code.slice(0, 64) : 'BAD_REQUEST',
    message: maskPersonalText(redactText(message.slice(0, 500))),
  };
}

/** Whole-request answers, one row per status. */
const STATUS_TABLE: ReadonlyArray<
  [match: (status: number) => boolean, verdict: (r: AmazonResponse, now: number, cap: number) => BatchVerdict]
> = [
  [(s) => s === 401, () => ({ kind: 'auth' })],
  [
    (s) => s === 403,
    (r) => ({ kind: 'reject', code: 'ACCESS_DENIED', message: said(troubleshooting('403'), r) }),
  ],
  [
    (s) => s === 404,
    (r) => ({ kind: 'reject', code: 'NOT_FOUND', message: said(troubleshooting('404'), r) }),
  ],
  [
    (s) => s === 413,
    () => ({
      kind: 'split',
      alone: { code: 'CONTENT_TOO_LARGE', message: 'Amazon refused this event as too large, even alone.' },
    }),
  ],
  [
    (s) => s === 429,
    (r, now, cap) => ({
      kind: 'retry',
      code: 'RATE_LIMITED',
      message: said(troubleshooting('429'), r),
      retryAfterMs: retryAfterMs(r.headers['retry-after'], now, cap),
      throttled: true,
    }),
  ],
  [
    (s) => s >= 500 || s === 408,
    (r, now, cap) => ({
      kind: 'retry',
      code: 'AMAZON_UNAVAILABLE',
      message: said(`Amazon answered HTTP ${r.status}; try again later.`, r),
      retryAfterMs: retryAfterMs(r.headers['retry-after'], now, cap),
      throttled: false,
    }),
  ],
  [
    (s) => s >= 400,
    (r) => ({
      kind: 'reject',
      code: 'REQUEST_REJECTED',
      message: said(`Amazon rejected the request with HTTP ${r.status}.`, r),
    }),
  ],
];

/** What a non-2xx answer means, whatever the call: the one table of Amazon's whole-request statuses. */
export function classifyStatus(response: AmazonResponse, now: number, maxRetryAfterMs: number): BatchVerdict {
  const invalid = validationError(response);
  if (invalid) return { kind: 'split', alone: invalid };
  const row = STATUS_TABLE.find(([match]) => match(response.status));
  return row
    ? row[1](response, now, maxRetryAfterMs)
    : { kind: 'reject', code: 'REQUEST_REJECTED', message: `Unexpected HTTP ${response.status}.` };
}

/**
 * The same verdict for an advertiser install could not see listed (`unverified`): a 403 then most likely
 * means a mistyped advertiser id, and says so instead of naming scopes and permissions.
 */
export function forUnverifiedAdvertiser(verdict: BatchVerdict, advertiserId: string): BatchVerdict {
  if (verdict.kind !== 'reject' || verdict.code !== 'ACCESS_DENIED') return verdict;
  return {
    ...verdict,
    message: `Advertiser ${advertiserId} is not verified: check the advertiser id. Install could not see it listed for these credentials, and Amazon refuses events for it. (${verdict.message})`,
  };
}

/**
 * Classifies Amazon's answer to a batch of `sent` events. A 2xx is read per event by 0-based index:
 * `success` → delivered, `error` → rejected with Amazon's code, message and field (retry when the code is
 * transient). An event Amazon does not mention, an index listed twice, an echo whose eventId is not the one
 * sent, or a body that cannot be read is a retry: never silently delivered.
 */
export function classifyEventsResponse(
  response: AmazonResponse,
  sent: ReadonlyArray<{ eventId?: string }>,
  now: number,
  maxRetryAfterMs: number,
): BatchVerdict {
  if (response.status < 200 || response.status >= 300) return classifyStatus(response, now, maxRetryAfterMs);
  const body = safeParse(response.body) as { success?: unknown; error?: unknown } | undefined;
  if (!body || typeof body !== 'object' || (!Array.isArray(body.success) && !Array.isArray(body.error))) {
    return {
      kind: 'retry',
      code: 'UNREADABLE_RESPONSE',
      message: `Amazon answered HTTP ${response.status} without a readable per-event result.`,
      throttled: false,
    };
  }
  const verdicts: Array<EventVerdict | undefined> = new Array(sent.length).fill(undefined);
  const conflict = new Set<number>();
  const claim = (index: unknown, verdict: EventVerdict): void => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= sent.length) return;
    if (verdicts[index] !== undefined) conflict.add(index);
    verdicts[index] = verdict;
  };
  for (const entry of Array.isArray(body.success) ? body.success : []) {
    const { index, event } = (entry ?? {}) as { index?: unknown; event?: { eventId?: unknown } };
    const echoed = event?.eventId;
    const expected = typeof index === 'number' ? sent[index]?.eventId : undefined;
    claim(
      index,
      echoed !== undefined && expected !== undefined && echoed !== expected
        ? {
            status: 'retry',
            code: 'RESPONSE_MISMATCH',
            message: 'Amazon confirmed a different event at this position.',
          }
        : { status: 'delivered' },
    );
  }
  for (const entry of Array.isArray(body.error) ? body.error : []) {
    const { index, errors } = (entry ?? {}) as { index?: unknown; errors?: unknown };
    const first = (Array.isArray(errors) ? errors[0] : undefined) as
      { code?: unknown; message?: unknown; fieldLocation?: unknown } | undefined;
    const code = typeof first?.code === 'string' ? first.code : 'BAD_REQUEST';
    const message = redactText(
      typeof first?.message === 'string' ? first.message.slice(0, 500) : 'Amazon rejected the event.',
    );
    const all = Array.isArray(errors) && errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    claim(
      index,
      TRANSIENT_EVENT_CODES.has(code)
        ? { status: 'retry', code, message }
        : { status: 'rejected', code, message: message + all, ...fieldOf(first?.fieldLocation) },
    );
  }
  return {
    kind: 'per-event',
    events: verdicts.map((v, i) =>
      conflict.has(i)
        ? { status: 'retry', code: 'RESPONSE_MISMATCH', message: 'Amazon listed this event more than once.' }
        : (v ?? {
            status: 'retry',
            code: 'MISSING_FROM_RESPONSE',
            message: 'Amazon did not report on this event.',
          }),
    ),
  };
}

/** Amazon's `events[3].eventTime` names a position in one request; the event's own field is what helps. */
function fieldOf(location: unknown): { fieldLocation?: string } {
  if (typeof location !== 'string' || !location) return {};
  return { fieldLocation: location.replace(/^events\[\d+\]\.?/, '') || 'event' };
}
