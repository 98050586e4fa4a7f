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
  const parsed = parsePhoneNumberFromString(raw, (country || undefined) as CountryCode | undefined);
  if (parsed?.isPossible()) return parsed.number.slice(1);
  const digits = raw.replace(/\D/g, '').replace(/^0+/, '');
  if (digits.length < MIN_DIGITS) return '';
  const code = RULES.tables.phonePrefixMap.map[country.toLowerCase()];
  return code && !digits.startsWith(code) ? code + digits : digits;
}
