import type { Shape } from './view-allowlist.js';
import { isBlueprintEventName } from './blueprint-event-names.js';

/**
 * Per shape, the value as a view shows it, or undefined when the value does not have that shape (the view then
 * hides it). Lengths are checked before any pattern, and every pattern is linear.
 */
export const SHAPES: Readonly<Record<Shape, (value: unknown) => unknown>> = {
  type: (v) => (typeof v === 'string' && EVENT_TYPES.has(v) ? v : undefined),
  event: (v) => (typeof v === 'string' && isEventName(v) ? v : undefined),
  id: (v) =>
    (typeof v === 'string' && isId(v)) || (Number.isSafeInteger(v) && (v as number) >= 0 && isId(String(v)))
      ? v
      : undefined,
  messageId: (v) => (typeof v === 'string' && MESSAGE_ID.test(v) && isId(v) ? v : undefined),
  amount: (v) =>
    (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e9) ||
    (typeof v === 'string' && v.length <= 20 && AMOUNT.test(v))
      ? v
      : undefined,
  currency: (v) =>
    typeof v === 'string' && v.length === 3 && CURRENCIES.has(v.toUpperCase()) ? v : undefined,
  quantity: (v) =>
    (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e6) ||
    (typeof v === 'string' && QUANTITY.test(v))
      ? v
      : undefined,
  time: (v) =>
    (typeof v === 'string' && v.length <= 40 && ISO_TIME.test(v)) ||
    (Number.isInteger(v) && (v as number) >= 1e9 && (v as number) < 1e14)
      ? v
      : undefined,
  consent: (v) =>
    typeof v === 'boolean' || (typeof v === 'string' && CONSENT_WORDS.has(v.toLowerCase())) ? v : undefined,
  url: (v) => (typeof v === 'string' && v.length <= 4096 ? urlForView(v) : undefined),
  path: (v) =>
    typeof v === 'string' && v.length <= 4096 && v.startsWith('/') ? pathForView(beforeQuery(v)) : undefined,
  locale: (v) => (typeof v === 'string' && isLocale(v) ? v : undefined),
  channel: (v) => (typeof v === 'string' && CHANNELS.has(v) ? v : undefined),
  deviceType: (v) => (typeof v === 'string' && DEVICE_TYPES.has(v.toLowerCase()) ? v : undefined),
  version: (v) => (typeof v === 'string' && v.length <= 32 && VERSION.test(v) ? v : undefined),
};

/** A path segment that is not slug-shaped, as the view shows it. */
export const HIDDEN_SEGMENT = '[REDACTED]';

const EVENT_TYPES = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);
/** An identifier: a letter, then letters, digits, `_` and `-` (snake, camel or kebab case), no spaces. */
const IDENTIFIER = /^[A-Za-z][\w-]{0,63}$/;
const ID = /^[\w.:-]{1,128}$/;
/** A message id: letters, digits, `_` and `-` only (UUID, ULID, hex, …): no `.`, `@` or `:` of a host or address. */
const MESSAGE_ID = /^[\w-]{1,128}$/;
/** Shapes of random ids whose digit runs are noise, not a number someone has: a UUID, and hex of 32 or more. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_HEX = /^[0-9a-f]{32,128}$/i;
const AMOUNT = /^-?\d{1,9}(?:\.\d{1,6})?$/;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const QUANTITY = /^\d{1,6}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const CONSENT_WORDS = new Set(['true', 'false', 'granted', 'denied', 'yes', 'no', '1', '0']);
const LOCALE = /^([a-z]{2,3})(?:[-_]([A-Z]{2}|\d{3}))?$/;
const LANGUAGES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const CHANNELS = new Set(['server', 'browser', 'client', 'mobile']);
const DEVICE_TYPES = new Set([
  'ios',
  'android',
  'ipados',
  'tvos',
  'web',
  'desktop',
  'mobile',
  'tablet',
  'tv',
]);
/** Digits and dots, and at most a pre-release word of a fixed list (`2.4.1-beta.1`): no free suffix to hold a name. */
const VERSION = /^\d{1,4}(?:\.\d{1,6}){0,3}(?:-(?:alpha|beta|rc|dev|pre|preview|snapshot)(?:\.?\d{1,4})?)?$/i;
/** One word of a slug: `shoes`, `Shoes`, `SHOES`, `v2`, `2026`; not the mixed case of base64 or a token. */
const SLUG_WORD = /^(?:[A-Z]?[a-z]*|[A-Z]*)\d*$/;
const SLUG_SEPARATOR = /[-_.~]/;

/** `en`, `en-US`, `es-419`: a language and a region that exist, not any two or three letters. */
function isLocale(text: string): boolean {
  const m = LOCALE.exec(text);
  if (!m) return false;
  const [, language, region] = m;
  return (
    LANGUAGES.of(language!) !== undefined &&
    (region === undefined || /\d/.test(region) || REGIONS.of(region) !== undefined)
  );
}

/**
 * An event name shown: an identifier without spaces (`purchase`, `orderCompleted`, `sign-up`) of at most 4
 * digits, or a name the shipped blueprints map (`Order Completed`). Free text (`Jane Doe Signup`) is hidden.
 */
function isEventName(text: string): boolean {
  if (text.length > 64) return false;
  return (IDENTIFIER.test(text) && digitCount(text) <= 4) || isBlueprintEventName(text);
}

/**
 * An order, product or message id shown: letters, digits and `_ . : -`, at most 128, and no run of 7 to 19
 * digits (the length of phone numbers, SSNs and card numbers; separators inside the run count as part of it)
 * unless the id is a UUID or long hex. Digits-only ids of 20 digits or more, longer than any of those, show.
 * See docs/decisions/007-linear-reading-and-shown-by-allowlist.md.
 */
function isId(text: string): boolean {
  if (!ID.test(text)) return false;
  if (UUID.test(text) || LONG_HEX.test(text)) return true;
  const longest = longestDigitRun(text);
  return longest < 7 || longest >= 20;
}

/** The most digits in one run, where `-`, `.`, `_` and `:` between digits join the run (`078-05-1120`: 9). */
function longestDigitRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) longest = Math.max(longest, ++run);
    else {
      const joins = (c === 0x2d || c === 0x2e || c === 0x5f || c === 0x3a) && run > 0;
      const next = text.charCodeAt(i + 1);
      if (!(joins && next >= 0x30 && next <= 0x39)) run = 0;
    }
  }
  return longest;
}

function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) n++;
  }
  return n;
}

/**
 * A path segment shown as it is: at most 64 characters of words joined by `- _ . ~`, each word slug-shaped, and
 * fewer than 7 digits in all (no phone number). Percent-encoded text, `@`, `+` and anything else are hidden.
 */
function isSlug(segment: string): boolean {
  return (
    segment.length <= 64 &&
    digitCount(segment) < 7 &&
    segment.split(SLUG_SEPARATOR).every((word) => SLUG_WORD.test(word))
  );
}

function beforeQuery(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/** The path with every segment that is not a slug hidden. */
function pathForView(path: string): string {
  return path
    .split('/')
    .map((segment) => (isSlug(segment) ? segment : HIDDEN_SEGMENT))
    .join('/');
}

/** An http(s) URL as its origin and path: no user, no query, no fragment, an IP address host as `[ip]`. */
function urlForView(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // The URL parser writes every IPv4 spelling (`3325256727`, `0xC6.51.100.23`) as dotted digits, IPv6 in brackets.
  const ipHost = url.hostname.startsWith('[') || /^[\d.]+$/.test(url.hostname);
  const origin = ipHost ? `${url.protocol}//[ip]` : url.origin;
  return origin + pathForView(url.pathname);
}
