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

/** The characters `\s` matches in a JavaScript regular expression. */
const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/**
 * The common case without the library's full parse: a North American number written with digits and the
 * usual separators only (`/^\+?[\d\s().-]+$/`, read in one pass). `+1` or a leading `1`, then 10 digits whose
 * area code starts with 2–9, is what libphonenumber-js reads as a possible NANP number; a test checks both
 * agree. Anything else: undefined.
 */
function northAmerican(raw: string): string | undefined {
  const plus = raw.charCodeAt(0) === 43;
  const from = plus ? 1 : 0;
  if (raw.length === from) return undefined;
  let digits = '';
  for (let i = from; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += raw[i];
    else if (!(c === 40 || c === 41 || c === 46 || c === 45 || isSpace(c))) return undefined;
  }
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
