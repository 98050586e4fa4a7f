import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { RULES } from './tag-rules.js';

const MIN_DIGITS = 7;

/**
 * Phone numbers as E.164 digits without `+` (Amazon's tag: digits with the country calling code, no `+`).
 * Parsed with the event's country by libphonenumber-js, which agrees with the tag on ordinary numbers and
 * stays right where the tag's plain prefix test is not (a trunk `(0)` after the code, a national number that
 * starts with the code's digits, countries missing from the tag's table such as ZA). A number the library
 * cannot read falls back to the tag's rule. Fewer than 7 digits: no match key.
 */
export function normalizePhone(raw: string, country: string): string {
  const nanp =
    country === 'US' || country === 'CA' || raw.trimStart().startsWith('+1') ? northAmerican(raw) : undefined;
  if (nanp) return nanp;
  const parsed = parsePhoneNumberFromString(raw, (country || undefined) as CountryCode | undefined);
  if (parsed?.isPossible()) return parsed.number.slice(1);
  const digits = raw.replace(/\D/g, '').replace(/^0+/, '');
  if (digits.length < MIN_DIGITS) return '';
  const code = RULES.tables.phonePrefixMap.map[country.toLowerCase()];
  return code && !digits.startsWith(code) ? code + digits : digits;
}

const NANP_SHAPE = /^\+?[\d\s().-]+$/;

/**
 * The common case without the library's full parse: a North American number written with digits and the
 * usual separators only. `+1` or a leading `1`, then 10 digits whose area code starts with 2–9, is what
 * libphonenumber-js reads as a possible NANP number; a test checks both agree. Anything else: undefined.
 */
function northAmerican(raw: string): string | undefined {
  if (!NANP_SHAPE.test(raw)) return undefined;
  const digits = raw.replace(/\D/g, '');
  const plus = raw.trimStart().startsWith('+');
  const national =
    digits.length === 11 && digits[0] === '1'
      ? digits.slice(1)
      : !plus && digits.length === 10
        ? digits
        : undefined;
  if (!national || national[0]! < '2') return undefined;
  if (plus && digits[0] !== '1') return undefined;
  return `1${national}`;
}
