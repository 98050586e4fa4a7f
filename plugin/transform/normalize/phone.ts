import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { RULES } from './tag-rules.js';

const MIN_DIGITS = 7;

/**
 * Phone numbers as E.164 digits without `+` (Amazon's tag: digits with the country calling code, no `+`).
 * Parsed with the event's country by libphonenumber-js, which agrees with the tag on ordinary numbers and
 * stays right where the tag's plain prefix test is not (a trunk `(0)` after the code, a national number that
 * starts with the code's digits, countries missing from the tag's table such as ZA). A number the library
 * cannot read falls back to the tag's rule. Fewer than 7 digits: no match key. Given trimmed, as every match
 * key value.
 */
export function normalizePhone(raw: string, country: string): string {
  const nanp = country === 'US' || country === 'CA' || raw.startsWith('+1') ? northAmerican(raw) : undefined;
  if (nanp) return nanp;
  const parsed = parsePhoneNumberFromString(raw, (country || undefined) as CountryCode | undefined);
  if (parsed?.isPossible()) return parsed.number.slice(1);
  const digits = raw.replace(/\D/g, '').replace(/^0+/, '');
  if (digits.length < MIN_DIGITS) return '';
  const code = RULES.tables.phonePrefixMap.map[country.toLowerCase()];
  return code && !digits.startsWith(code) ? code + digits : digits;
}

/** The spaces libphonenumber-js takes inside a number (a tab, say, it refuses): space, no-break, ideographic. */
const isSpace = (c: number): boolean => c === 32 || c === 0xa0 || c === 0x3000;

/**
 * The common case without the library's full parse: a North American number written with digits and the
 * usual separators only (`/^\+?[\d().\- \u00a0\u3000]+$/`). 10 digits, or 11 with a leading `1` (with or
 * without `+`), are what libphonenumber-js reads as a possible NANP number; a test checks that whenever this
 * answers, the library answers the same (exported for that test). Anything else: undefined.
 */
export function northAmerican(raw: string): string | undefined {
  const plus = raw.startsWith('+');
  let digits = '';
  for (let i = plus ? 1 : 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits.length === 11) return undefined;
      digits += raw[i];
    } else if (!(c === 40 || c === 41 || c === 46 || c === 45 || isSpace(c))) return undefined;
  }
  if (digits.length === 11 && digits.startsWith('1')) return digits;
  return !plus && digits.length === 10 ? `1${digits}` : undefined;
}
