import type { AmazonEvent, EventSource, MatchKeyType } from '../amazon/event-types.js';

/**
 * How likely each match key alone lets Amazon tie an event to a person: our estimate, used for the match quality
 * score. Amazon publishes no weights; the order follows what Amazon documents of each key (docs/match-quality.md):
 * e-mail and phone are the identifiers Amazon accounts sign in with; MAID and RAMP_ID are deterministic device and
 * person ids; MATCH_ID matches only where the Amazon Advertising Tag saw the same id; name and address parts
 * identify a person mostly together; an IP address alone rarely does.
 */
export const MATCH_KEY_WEIGHTS: Readonly<Record<MatchKeyType, number>> = {
  EMAIL: 0.7,
  PHONE: 0.5,
  MAID: 0.6,
  RAMP_ID: 0.6,
  MATCH_ID: 0.4,
  REAL_ID: 0.4,
  MERKLE_ID: 0.3,
  KANTAR_ID: 0.3,
  ADDRESS: 0.2,
  POSTAL: 0.1,
  LAST_NAME: 0.1,
  FIRST_NAME: 0.05,
  CITY: 0.03,
  STATE: 0.02,
  FIP: 0.15,
};

/**
 * The match keys a recommendation may name, with the words it uses and the event sources that can carry them:
 * what an advertiser can add from their own site, CRM or app (partner ids such as RAMP_ID or MERKLE_ID come
 * from a partner, not a form field; a website has no mobile advertising id, a store sale no visitor IP).
 */
export const RECOMMENDABLE_KEYS: Readonly<
  Partial<Record<MatchKeyType, { label: string; sources?: readonly EventSource[] }>>
> = {
  EMAIL: { label: 'the e-mail address' },
  PHONE: { label: 'the phone number' },
  MAID: { label: 'the mobile advertising id', sources: ['ANDROID', 'IOS', 'FIRE_TV'] },
  ADDRESS: { label: 'the street address' },
  FIP: { label: "the visitor's IP address", sources: ['WEBSITE', 'ANDROID', 'IOS', 'FIRE_TV'] },
  POSTAL: { label: 'the postal code' },
  LAST_NAME: { label: 'the last name' },
  FIRST_NAME: { label: 'the first name' },
  CITY: { label: 'the city' },
  STATE: { label: 'the state or region' },
};

/** Every match key type, in the order views list them (the weights' order). */
export const MATCH_KEY_TYPES = Object.keys(MATCH_KEY_WEIGHTS) as MatchKeyType[];

/**
 * The consent an event was sent with: `amazonConsent` GRANTED or DENIED, a TCF or GPP string that Amazon reads
 * itself (`tcf_gpp`), only the client IP (`geo_only`), or nothing (`none`).
 */
export type ConsentClass = 'granted' | 'denied' | 'tcf_gpp' | 'geo_only' | 'none';
export const CONSENT_CLASSES: readonly ConsentClass[] = ['granted', 'denied', 'tcf_gpp', 'geo_only', 'none'];

export function consentClass(event: AmazonEvent): ConsentClass {
  const consent = event.consent;
  const user = consent?.amazonConsent?.amznUserData;
  if (user) return user === 'GRANTED' ? 'granted' : 'denied';
  if (consent?.tcf || consent?.gpp) return 'tcf_gpp';
  return consent?.geo ? 'geo_only' : 'none';
}

/**
 * How matchable one event is, 0 to 1: the chance that at least one of its keys matches, the keys taken as
 * independent (1 − Π(1 − weight)), and 0 when its consent is DENIED (Amazon does not use such an event for
 * matching). The score of an event type is 100 × the mean of this over its events.
 */
export function matchability(event: AmazonEvent): number {
  return consentClass(event) === 'denied' ? 0 : matchabilityOfKeys(event.matchKeys.map((k) => k.type));
}

/** The matchability of a set of match key types (consent aside): 1 − Π(1 − weight). */
export function matchabilityOfKeys(types: Iterable<MatchKeyType>): number {
  let miss = 1;
  for (const type of types) miss *= 1 - MATCH_KEY_WEIGHTS[type];
  return 1 - miss;
}

/**
 * What adding each recommendable key it lacks (and its source can carry) would add to an event's matchability, in thousandths before the
 * key's weight: `1000 − matchability` (adding a key of weight w makes it m + (1 − m) × w). None for an event
 * sent with consent DENIED: a key would not make it matchable.
 */
export function keyGains(event: AmazonEvent, matchabilityThousandths: number): Array<[MatchKeyType, number]> {
  if (consentClass(event) === 'denied') return [];
  const source = event.eventDescription.eventSource;
  const gains: Array<[MatchKeyType, number]> = [];
  for (const [type, sources] of RECOMMENDABLE)
    if ((!sources || sources.includes(source)) && !event.matchKeys.some((k) => k.type === type))
      gains.push([type, 1000 - matchabilityThousandths]);
  return gains;
}

/** `RECOMMENDABLE_KEYS` as a list, read once (`keyGains` runs for every event the host accepts). */
const RECOMMENDABLE = (
  Object.entries(RECOMMENDABLE_KEYS) as Array<[MatchKeyType, { sources?: readonly EventSource[] }]>
).map(([type, r]) => [type, r.sources] as const);

/**
 * Whether an event sent as `eventId` is paired with the Amazon Ad Tag: its canonical event carries the id the
 * page gave the Ad Tag (`properties.amazon_event_id`), and that id is the one sent (docs/ad-tag.md).
 */
export function pairedWithAdTag(input: unknown, eventId: string | undefined): boolean {
  const properties = (input as { properties?: unknown } | null)?.properties;
  const id = (properties as { amazon_event_id?: unknown } | null | undefined)?.amazon_event_id;
  const text = typeof id === 'string' ? id.trim() : typeof id === 'number' ? String(id) : '';
  return text !== '' && text === eventId;
}
