import { isDigitCode, replaceRunsOutside } from '../char-class.js';
import { tagNormalizer } from './tag-rules.js';

const tagPostal = tagNormalizer('POSTAL');
const digitsOf = replaceRunsOutside((char) => isDigitCode(char.charCodeAt(0)), '');

/** How many of the text's first characters (up to 5) are digits. */
function leadingDigits(text: string): number {
  let n = 0;
  while (n < 5 && isDigitCode(text.charCodeAt(n))) n++;
  return n;
}

/**
 * Postal codes (given trimmed, as every match key value) follow the tag (lower case, cut at the first `-`,
 * letters and digits) except where a country-aware rule is clearly better:
 * - US: the 5-digit ZIP (`98101-1234` and `98101 1234` both → `98101`; the tag keeps 9 digits for the second);
 * - JP: the 7-digit code (`100-0001` → `1000001`; the tag cuts it to `100`, which matches half of Tokyo).
 */
export function normalizePostal(raw: string, country: string): string {
  if (country === 'US') {
    if (leadingDigits(raw) >= 5) return raw.slice(0, 5); // the usual 98101 or 98101-1234: no new digits string
    const digits = digitsOf(raw);
    if (digits.length >= 5) return digits.slice(0, 5);
  }
  if (country === 'JP') {
    const digits = digitsOf(raw);
    if (digits.length === 7) return digits;
  }
  return tagPostal(raw, country);
}
