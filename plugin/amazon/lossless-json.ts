/**
 * JSON.parse that keeps integers too large for a double as their exact digits. Amazon profile ids are JSON
 * numbers of up to 20 digits; a plain `JSON.parse` would round them. Integers of 16 or more digits become
 * strings; callers compare ids as strings anyway. Linear in the length of the text, whatever the text: one
 * forward scan, no regular expression that could backtrack.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(mayHoldLongInteger(text) ? quoteLongIntegers(text) : text);
}

/** The digits that make a number long enough to lose precision as a double. */
const LONG_INTEGER_DIGITS = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** No significant character yet: the start of the document, where a value may stand. */
const START = -1;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A cheap first look: 16 digits right after what opens a JSON value. Most bodies have none and skip the scan
 * (digits inside strings follow other characters). Linear: each start is a `:`, `,` or `[`, and the spaces
 * after one start are not the spaces after another.
 */
const LONG_INTEGER_AFTER_OPENER = /(?:^|[:,[])\s*-?\d{16}/;
const mayHoldLongInteger = (text: string): boolean => LONG_INTEGER_AFTER_OPENER.test(text);

/** The index just past the string literal opening at `open` (the end of the text if it never closes). */
function endOfString(text: string, open: number): number {
  let i = open + 1;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    i = close + 1;
  }
}

/**
 * Wraps every bare JSON integer of 16+ digits in quotes where it stands as a value (the document, an array
 * element, an object member's value): never inside a string, never a key, never a number with a fraction or an
 * exponent, never one with a leading zero (invalid JSON stays invalid). One forward pass.
 */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let copiedTo = 0;
  /** Per open container, whether it is an array (a `,` inside one is followed by a value). */
  const inArray: boolean[] = [];
  let previous = START;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
      previous = QUOTE;
      continue;
    }
    if (c === MINUS || isDigit(c)) {
      const start = i;
      if (c === MINUS) i++;
      const digitsStart = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      const digits = i - digitsStart;
      const next = text.charCodeAt(i);
      const isValue =
        previous === START ||
        previous === COLON ||
        previous === OPEN_BRACKET ||
        (previous === COMMA && inArray[inArray.length - 1] === true);
      if (
        isValue &&
        digits >= LONG_INTEGER_DIGITS &&
        text.charCodeAt(digitsStart) !== ZERO &&
        next !== DOT &&
        next !== LOWER_E &&
        next !== UPPER_E
      ) {
        out += `${text.slice(copiedTo, start)}"${text.slice(start, i)}"`;
        copiedTo = i;
      }
      previous = c;
      continue;
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) inArray.push(c === OPEN_BRACKET);
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) inArray.pop();
    if (!isSpace(c)) previous = c;
    i++;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}
