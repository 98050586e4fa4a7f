/**
 * What is kept of a stored Amazon event once its raw event's retention ends, by allowlist: the event's name,
 * type, time, country, value and consent answers, and the match keys that are SHA-256 hashes. Gone: the IP
 * address (`consent.geo`), the user agent (`deviceInfo`), every match key sent as is (MAID, FIP, RAMP_ID and
 * the other identifiers), `customData` (values mapped from the raw event) and the click and measurement tokens.
 * A dead letter replayed after that is sent as kept.
 */
const KEPT_FIELDS = [
  'eventDescription',
  'countryCode',
  'eventTime',
  'value',
  'currencyCode',
  'unitsSold',
  'eventId',
  'dataProcessingOptions',
  'partner',
  'dataSetId',
] as const;
const KEPT_CONSENT = ['amazonConsent', 'tcf', 'gpp'] as const;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored Amazon event (JSON text) as it is kept after retention; `{}` for text that is not an object. */
export function retainedAmazonEvent(stored: string): string {
  let event: unknown;
  try {
    event = JSON.parse(stored);
  } catch {
    return '{}';
  }
  if (!isObject(event)) return '{}';
  const kept: Json = {};
  for (const field of KEPT_FIELDS) if (Object.hasOwn(event, field)) kept[field] = event[field];
  if (Array.isArray(event.matchKeys))
    kept.matchKeys = event.matchKeys.filter(
      (key: unknown) =>
        isObject(key) &&
        Array.isArray(key.values) &&
        key.values.length > 0 &&
        key.values.every((v) => typeof v === 'string' && SHA256_HEX.test(v)),
    );
  if (isObject(event.consent)) {
    const consent: Json = {};
    for (const field of KEPT_CONSENT)
      if (Object.hasOwn(event.consent, field)) consent[field] = event.consent[field];
    kept.consent = consent;
  }
  return JSON.stringify(kept);
}
