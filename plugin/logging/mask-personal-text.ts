import { maskEmails } from './mask-emails.js';

export const MASKED = '[REDACTED]';

/**
 * Free text from outside (Amazon's error messages, reasons that quote them) with what can be personal data
 * masked, in forward passes without regular expressions (linear whatever the text):
 * - e-mail addresses, as `[EMAIL]` (`maskEmails`);
 * - IP literals: four dot-separated groups of 1–3 digits, and colon-separated hex with `::`, five colons or
 *   more, or hex letters among two colons or more;
 * - digit groups: any run of 7 digits or more, and digits joined by separators (` - . ( ) / +`) holding 5 or
 *   more (phone numbers, SSNs, card numbers, dates of birth);
 * - two or more Capitalised words in a row (`Jane Doe`): a name, where Amazon's wording has one at most.
 * Kept: codes in UPPER_SNAKE, field paths (`events.0.eventTime`), lower-case wording and short numbers.
 */
export function maskPersonalText(text: string): string {
  return maskNames(maskNumbers(maskEmails(text)));
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isLetter = (c: number): boolean => isUpper(c) || isLower(c);
const isWordChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 0x5f;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** ` - . ( ) / +`: what joins the digit groups of a phone, SSN, card or date. */
const isNumberSeparator = (c: number): boolean =>
  c === 0x20 || c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29 || c === 0x2f || c === 0x2b;

/** IP literals and digit groups replaced by `[REDACTED]`. */
function maskNumbers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  // Where the last IPv6 scan ended: none starts again inside it, so each character is scanned once for it.
  let scannedTo = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const atWordStart = i === 0 || !isWordChar(text.charCodeAt(i - 1));
    if (atWordStart && i >= scannedTo && (isHex(c) || c === 0x3a)) {
      const scan = ipv6Scan(text, i);
      scannedTo = scan.end;
      if (scan.literal) {
        out += text.slice(copied, i) + MASKED;
        copied = i = scan.end;
        continue;
      }
    }
    if (isDigit(c) || ((c === 0x2b || c === 0x28) && isDigit(text.charCodeAt(i + 1)))) {
      const run = numberRun(text, i);
      if (run.masked) {
        out += text.slice(copied, i) + MASKED;
        copied = run.end;
      }
      i = Math.max(run.end, i + 1);
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The end of the digit run at `start` and whether it is masked (see `maskPersonalText`). */
function numberRun(text: string, start: number): { end: number; masked: boolean } {
  let i = start;
  let digits = 0;
  let groups = 0;
  let end = start;
  let onlyDots = true;
  const groupSizes: number[] = [];
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      let size = 0;
      while (i < text.length && isDigit(text.charCodeAt(i))) {
        size++;
        i++;
      }
      digits += size;
      groups++;
      if (groupSizes.length < 5) groupSizes.push(size);
      end = i;
      continue;
    }
    // Up to two separators, then a digit: the run goes on.
    let j = i;
    while (j < text.length && j - i < 2 && isNumberSeparator(text.charCodeAt(j))) j++;
    if (j === i || j >= text.length || !isDigit(text.charCodeAt(j))) break;
    for (let k = i; k < j; k++) if (text.charCodeAt(k) !== 0x2e) onlyDots = false;
    i = j;
  }
  const ipv4 = onlyDots && groups === 4 && groupSizes.every((n) => n <= 3);
  return { end, masked: ipv4 || digits >= 7 || (groups >= 2 && digits >= 5 && !onlyDots) };
}

/** The run of hex digits and colons at `start`, and whether it is an IPv6 literal. */
function ipv6Scan(text: string, start: number): { end: number; literal: boolean } {
  let i = start;
  let colons = 0;
  let hexLetters = false;
  let doubleColon = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) {
      colons++;
      if (text.charCodeAt(i + 1) === 0x3a) doubleColon = true;
    } else if (isHex(c)) {
      if (!isDigit(c)) hexLetters = true;
    } else break;
    i++;
  }
  const wordGoesOn = i < text.length && isWordChar(text.charCodeAt(i));
  const literal = !wordGoesOn && colons >= 2 && (doubleColon || colons >= 5 || hexLetters) && i - start >= 3;
  return { end: i, literal };
}

/**
 * Capitalised words of the product's and Amazon's own names (`Events Manager`, `Delivery Log`, `Too Many
 * Requests`): a run made only of these is wording, not a person.
 */
const OWN_WORDS = new Set(
  (
    'Amazon Ads Advertising Api Events Event Manager Delivery Log Live Signal Datafly Connect Login With Not ' +
    'Found Too Many Requests Request Bad Internal Server Error Service Unavailable Gateway Timeout Content Large ' +
    'Payload Unauthorized Forbidden Conversion Conversions Tag Dead Letters Match Quality Management Ingestion'
  ).split(' '),
);

/**
 * Two or more Capitalised words (`Jane Doe`) joined by single spaces, replaced by `[REDACTED]`, unless every
 * word is one of `OWN_WORDS`.
 */
function maskNames(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const wordEnd = capitalisedEnd(text, i);
    if (wordEnd === i) {
      // Skip the rest of this word so a capital inside it (`eventTime`) starts nothing.
      i++;
      while (i < text.length && isWordChar(text.charCodeAt(i)) && isWordChar(text.charCodeAt(i - 1))) i++;
      continue;
    }
    let end = wordEnd;
    let words = 1;
    let own = OWN_WORDS.has(text.slice(i, wordEnd));
    while (text.charCodeAt(end) === 0x20) {
      const next = capitalisedEnd(text, end + 1);
      if (next === end + 1) break;
      own &&= OWN_WORDS.has(text.slice(end + 1, next));
      end = next;
      words++;
    }
    if (words >= 2 && !own) {
      out += text.slice(copied, i) + MASKED;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The end of a Capitalised word (`Jane`: a capital, then two lower-case letters or more) at `start`. */
function capitalisedEnd(text: string, start: number): number {
  if (start > 0 && isWordChar(text.charCodeAt(start - 1))) return start;
  if (!isUpper(text.charCodeAt(start))) return start;
  let i = start + 1;
  while (i < text.length && isLower(text.charCodeAt(i))) i++;
  if (i - start < 2 || (i < text.length && isWordChar(text.charCodeAt(i)))) return start;
  return i;
}
