/**
 * JSON.parse that keeps integers too large for a double as their exact digits. Amazon profile ids are JSON
 * numbers of up to 20 digits; a plain `JSON.parse` would round them. Integers of 16 or more digits become
 * strings; callers compare ids as strings anyway.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(BARE_LONG_INTEGER.test(text) ? quoteLongIntegers(text) : text);
}

/** A cheap first look: 16 digits right after what opens a JSON value (digits inside strings follow others). */
const BARE_LONG_INTEGER = /(?:^|[:,[])\s*-?\d{16}/;

/**
 * A JSON string literal, or an integer of 16+ digits: not the digits of a fraction or an exponent (nothing of a
 * number before it) and no fraction or exponent after it.
 */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

/**
 * Wraps every bare JSON integer of 16+ digits (outside strings) in quotes. One regular expression pass: string
 * literals are matched whole and left as they are, so digits inside them are never touched.
 */
export function quoteLongIntegers(text: string): string {
  return text.replace(STRING_OR_LONG_INTEGER, (match) => (match.charCodeAt(0) === 34 ? match : `"${match}"`));
}
