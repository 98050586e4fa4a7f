/**
 * The one place the host reads an Amazon click token (`aref`) from an event's page URL or referrer, for the
 * click-token memory. Amazon's form (OpenAPI `arefMeasurementTokens`): pipe-separated `<token>.<epoch ms>`
 * pairs, the token 10 letters or digits, the time 13 digits; the same rule, from the same module
 * (`plugin/amazon/click-token-form.ts`), as the blueprints' `aref_from_url`. Anything else, or anything too large to be a click URL, is ignored: nothing
 * malformed is remembered.
 */
import { MAX_AREF_CHARS, MAX_AREF_PAIRS, wellFormedAref } from '../../plugin/amazon/click-token-form.js';

/** A URL longer than this is not read (browsers and CDNs cap URLs near 8 KB). */
export const MAX_URL_CHARS = 8_192;
/** Query parameters looked at: an `aref` after these is not read. */
export const MAX_URL_PARAMS = 100;
/** Pairs a remembered token may hold: the transform's own bound, so the host never keeps what it would not send. */
export const MAX_TOKEN_PAIRS = MAX_AREF_PAIRS;
/** The longest token remembered. */
export const MAX_TOKEN_CHARS = MAX_AREF_CHARS;

/** A well-formed token (the form Amazon documents, at most `MAX_TOKEN_PAIRS` pairs), else undefined. */
export const wellFormedToken: (value: unknown) => string | undefined = wellFormedAref;

/** The `aref` query parameter of a URL (its first, among the first `MAX_URL_PARAMS`), when well formed. */
export function tokenInUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > MAX_URL_CHARS || !url.includes('aref=')) return undefined;
  const query = url.slice(url.indexOf('?') + 1).split('#')[0]!;
  for (const param of query.split('&', MAX_URL_PARAMS)) {
    if (!param.startsWith('aref=')) continue;
    // `|` may arrive as %7C; anything else percent-encoded cannot be part of a token.
    return wellFormedToken(param.slice(5).replace(/%7C/gi, '|'));
  }
  return undefined;
}

const at = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/** Where a canonical event carries the page it was on, then the page before it. */
const URL_PATHS: ReadonlyArray<readonly string[]> = [
  ['context', 'page', 'url'],
  ['properties', 'url'],
  ['context', 'page', 'referrer'],
  ['properties', 'referrer'],
];

/** The click token an event's page URL (else its referrer) carries, if well formed. */
export function clickTokenOf(event: Record<string, unknown>): string | undefined {
  for (const path of URL_PATHS) {
    const token = tokenInUrl(path.reduce<unknown>(at, event));
    if (token) return token;
  }
  return undefined;
}

/** The visitor an event is from (`anonymousId`), when it names one of a sane length. */
export function visitorOf(event: Record<string, unknown>): string | undefined {
  const id = event.anonymousId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

/** The token the event carries itself (`context.vendor_ids.amazon_aref`), which the memory never replaces. */
export function carriedToken(event: Record<string, unknown>): unknown {
  return at(at(event.context, 'vendor_ids'), 'amazon_aref');
}
