import type { Shape } from './view-allowlist.js';

/**
 * Per shape, the value as a view shows it, or undefined when the value does not have that shape (the view then
 * hides it). Lengths are checked before any pattern, and every pattern is linear.
 */
export const SHAPES: Readonly<Record<Shape, (value: unknown) => unknown>> = {
  type: (v) => (typeof v === 'string' && EVENT_TYPES.has(v) ? v : undefined),
  event: (v) =>
    typeof v === 'string' && v.length <= 64 && EVENT_NAME.test(v) && digitCount(v) <= 4 ? v : undefined,
  id: (v) =>
    (typeof v === 'string' && v.length <= 128 && ID.test(v)) ||
    (Number.isSafeInteger(v) && (v as number) >= 0)
      ? v
      : undefined,
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
const EVENT_NAME = /^[\w .:-]+$/;
const ID = /^[\w.:-]+$/;
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
const VERSION = /^\d{1,4}(?:\.\d{1,6}){0,3}(?:-[\w.]{1,16})?$/;
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

/** An http(s) URL as its origin and path: no user, no query, no fragment. Anything else: undefined. */
function urlForView(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin + pathForView(url.pathname);
}
