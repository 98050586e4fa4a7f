/**
 * The form of an Amazon click token, one rule for the transform (`aref_from_url`) and the host's click-token
 * memory. Amazon's OpenAPI (`arefMeasurementTokens`): "Pipe-separated measurement token pairs extracted from the
 * aref parameter of the ad click URL. Each pair is formatted as <token>.<unix_timestamp_ms>. Token is a 10-char
 * alphanumeric string; timestamp is 13-digit epoch milliseconds UTC."
 */

/**
 * Pairs a click token may hold. Amazon gives no maximum; a click URL carries one or a few pairs, so more than
 * this is not a click (a crafted or corrupted URL) and is not sent, nor remembered by the host.
 */
export const MAX_AREF_PAIRS = 10;
/** The longest click token: `MAX_AREF_PAIRS` pairs of 24 characters and their pipes. */
export const MAX_AREF_CHARS = MAX_AREF_PAIRS * 25 - 1;

const PAIR = /^[A-Za-z0-9]{10}\.\d{13}$/;

/** The value when it is a well-formed click token (Amazon's form, at most `MAX_AREF_PAIRS` pairs), else undefined. */
export function wellFormedAref(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 24 || value.length > MAX_AREF_CHARS) return undefined;
  return value.split('|').every((pair) => PAIR.test(pair)) ? value : undefined;
}
