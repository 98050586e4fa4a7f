import { wellFormedAref } from '../amazon/click-token-form.js';
import { COUNTRY_CODES, isCustomDataChar } from '../amazon/reference-lists.js';
import { everyCharIn, replaceRunsOutside, withoutAccents } from './char-class.js';
import { isoUtcTime } from './iso-time.js';
import type { ValueTransform } from './model.js';
import { rememberedAnswers } from './normalize/per-country-memo.js';
import { RULES } from './normalize/tag-rules.js';

const COUNTRY_NAMES = new Map(
  Object.entries(RULES.tables.countryMap as Record<string, string>).map(([name, code]) => [
    name,
    code.toUpperCase(),
  ]),
);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const underscoreRuns = replaceRunsOutside(isCustomDataChar, '_');
const allCustomDataChars = everyCharIn(isCustomDataChar);

function trimUnderscores(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && text.charCodeAt(from) === 95) from++;
  while (to > from && text.charCodeAt(to - 1) === 95) to--;
  return from === 0 && to === text.length ? text : text.slice(from, to);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * `US`, `de`, `en-US`, `en_GB`, `United Kingdom` → ISO alpha-2 that Amazon accepts. Any two letters are read as a
 * country code, so a locale belongs in `locale_country`, where `sv` (Swedish) is no country.
 */
function countryCode(value: unknown): string | undefined {
  return typeof value === 'string' ? countryCodeOf(value) : undefined;
}

function countryCodeOf(value: string): string | undefined {
  const v = value.trim();
  const code = /^[A-Za-z]{2}$/.test(v)
    ? v.toUpperCase()
    : (/^[A-Za-z]{2,3}[-_]([A-Za-z]{2})(?:[-_.@]|$)/.exec(v)?.[1]?.toUpperCase() ??
      COUNTRY_NAMES.get(v.toLowerCase().replace(/[^a-z]/g, '')));
  const iso = code === 'UK' ? 'GB' : code;
  return iso && COUNTRY_CODES.has(iso) ? iso : undefined;
}

/**
 * The country of a locale's region subtag (BCP 47 `sv-SE`, `zh-Hant-TW`, POSIX `en_GB.UTF-8`), else undefined:
 * a bare language (`sv`, `uk`, `ca`) names no country (Swedish, Ukrainian, Catalan), and neither does a UN M.49
 * area (`es-419`). Amazon's tag never reads a locale; a region the browser states is the most it can say.
 */
function localeCountryOf(value: string): string | undefined {
  const subtags = value.trim().split(/[.@]/, 1)[0]!.split(/[-_]/);
  // language (2-3 letters, or 4-8), up to three extlangs, a script (4 letters), then the region, if any.
  if (!/^[A-Za-z]{2,8}$/.test(subtags[0] ?? '')) return undefined;
  let i = 1;
  while (i < 4 && /^[A-Za-z]{3}$/.test(subtags[i] ?? '')) i++;
  if (/^[A-Za-z]{4}$/.test(subtags[i] ?? '')) i++;
  const region = subtags[i];
  if (region === undefined || !/^[A-Za-z]{2}$/.test(region)) return undefined;
  const code = region.toUpperCase();
  const iso = code === 'UK' ? 'GB' : code;
  return COUNTRY_CODES.has(iso) ? iso : undefined;
}

function localeCountry(value: unknown): string | undefined {
  return typeof value === 'string' ? localeCountryOf(value) : undefined;
}

const EVENT_SOURCES: ReadonlyArray<[RegExp, string]> = [
  [/fire\s*(os|tv)|amazon|kindle/i, 'FIRE_TV'],
  [/android/i, 'ANDROID'],
  [/ios|iphone|ipad|tvos/i, 'IOS'],
];

/**
 * The named transforms a blueprint may use. Each takes a raw value and returns the converted value, or
 * undefined when the value cannot be converted (the next fallback source is then tried). Plain functions: the
 * same answer for the same value, nothing remembered.
 */
export const VALUE_TRANSFORMS: Readonly<Record<string, ValueTransform>> = {
  string: (v) =>
    typeof v === 'string'
      ? v.trim() || undefined
      : typeof v === 'number' && Number.isFinite(v)
        ? String(v)
        : undefined,
  number: toNumber,
  integer: (v) => {
    const n = toNumber(v);
    return n !== undefined && Number.isInteger(n) ? n : undefined;
  },
  /** Sum of a number or of a list of numbers (e.g. every item's quantity); any non-number fails it. */
  sum: (v) => {
    const list = Array.isArray(v) ? v : [v];
    let total = 0;
    for (const item of list) {
      const n = toNumber(item);
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  },
  /** RFC 3339 text or epoch milliseconds → ISO 8601 UTC. */
  iso_datetime: (v) => {
    // Already the form toISOString gives: kept as it is when every field is in range.
    const iso = typeof v === 'string' ? isoUtcTime(v) : undefined;
    if (iso !== undefined) return Number.isNaN(iso) ? undefined : v;
    const ms =
      typeof v === 'number'
        ? v
        : typeof v === 'string' && RFC3339.test(v.trim())
          ? Date.parse(v.trim())
          : NaN;
    return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : undefined;
  },
  country_code: countryCode,
  /** `sv-SE` → `SE`; a language alone (`sv`, `en`) or an area (`es-419`) → undefined: for `context.locale`. */
  locale_country: localeCountry,
  upper: (v) => {
    const text = typeof v === 'string' ? v.trim() : '';
    return text ? text.toUpperCase() : undefined;
  },
  /**
   * Amazon allows letters, digits and `_` only: accents are stripped, other runs become `_`, `_` is trimmed
   * at both ends, at most 256 characters. One pass for ASCII text (a test holds it to the regular expressions
   * that define it).
   */
  custom_data_value: (v) => {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return undefined;
    const text = String(v);
    // Most values (SKUs, brands) are letters, digits and _ already: one look, neither accents nor runs to mend.
    const allowed = allCustomDataChars(text) ? text : underscoreRuns(withoutAccents(text));
    return trimUnderscores(allowed).slice(0, 256) || undefined;
  },
  /** `Android`, `iOS`, `Fire OS` → Amazon's app event source. */
  event_source_from_device: (v) =>
    typeof v === 'string' ? EVENT_SOURCES.find(([re]) => re.test(v))?.[1] : undefined,
  /**
   * The `aref` parameter of a click URL, when it has Amazon's `token.epochMs|…` form; a value that is such a
   * token already (the one the host remembered for the visitor, `context.vendor_ids.amazon_aref`) is taken as is.
   * More than `MAX_AREF_PAIRS` pairs is no click token (the host's memory keeps no more either).
   */
  aref_from_url: (v) => {
    if (typeof v !== 'string') return undefined;
    if (!v.includes('aref=')) return wellFormedAref(v);
    const query = v.includes('?') ? v.slice(v.indexOf('?') + 1) : v;
    return wellFormedAref(new URLSearchParams(query.split('#')[0]).get('aref'));
  },
};

/**
 * The transforms a compiled blueprint uses, made once per plugin container (`TransformTables`): the same
 * answers as `VALUE_TRANSFORMS`, with locales and country names, which repeat endlessly, worked out once each
 * (bounded: 10,000 texts of at most `MEMO_TEXT_CHARS` characters).
 */
export function createValueTransforms(): Readonly<Record<string, ValueTransform>> {
  const rememberedCountryCode = rememberedAnswers(countryCodeOf);
  const rememberedLocaleCountry = rememberedAnswers(localeCountryOf);
  return {
    ...VALUE_TRANSFORMS,
    country_code: (value) => (typeof value === 'string' ? rememberedCountryCode(value) : undefined),
    locale_country: (value) => (typeof value === 'string' ? rememberedLocaleCountry(value) : undefined),
  };
}
