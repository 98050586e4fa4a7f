import type { MatchKeyType } from '../amazon/event-types.js';
import { LIMITS, type Region } from '../constants.js';
import type { TransformResult } from '../contracts.js';
import { buildAmazonEvent } from './build-event.js';
import { asksLimitedDataUse, decideConsent, type ConsentDefault, type GpcScope } from './consent.js';
import type { CountrySource } from './country.js';
import {
  eventKey,
  invalid,
  type CompiledBlueprint,
  type CompiledEntry,
  type EntryValues,
  type FilteredResult,
  type InvalidResult,
} from './model.js';
import { badSource } from './read-row.js';
import { validateAmazonEvent } from './validate-event.js';

const NO_OPT_OUT = (): boolean => false;

/** What transform needs of an installation besides the event and the time, made once per installation. */
export interface TransformSettings {
  blueprint: CompiledBlueprint;
  /** The installation's region: on EU, Amazon requires some consent object on every event. */
  region?: Region;
  /** The country of an event that has none of its own: the config's `default_country` (UK read as GB). */
  defaultCountry?: string;
  /** Else the country of the profile's marketplace, as install found it (UK read as GB). */
  marketplaceCountry?: string;
  /** For purchases that carry no currency: the profile's, else the config's `default_currency`. */
  defaultCurrency?: string;
  /** What an event without a consent signal carries outside the countries that require one (default geo_only). */
  consentDefault?: ConsentDefault;
  dataSetName?: string;
  dataSetId?: string;
  /** Every event of the installation with LIMITED_DATA_USE (the config's `limited_data_use`). */
  limitedDataUse?: boolean;
  /** Where Global Privacy Control marks an event LIMITED_DATA_USE (the config's `gpc_scope`, default `us`). */
  gpcScope?: GpcScope;
  /** Amazon's `partner` on every event: the name of the service that delivers it (the host's). */
  partner?: string;
  /** Does a GPP string opt out of sale or sharing in a US section? (TransformTables: decoded once each) */
  gppOptsOut?: (gpp: string) => boolean;
}

/** What `--explain` shows: which entry matched and which match keys were found (types only, no values). */
export interface Explanation {
  entry: string | null;
  /** The Amazon event name of that entry (for counting filtered and invalid events by event type too). */
  eventName?: string;
  matchKeys: MatchKeyType[];
  consent?: string;
  /** Where the event's country came from: its own data, the config's default_country or the profile. */
  country?: CountrySource;
}

/**
 * Signal canonical event → Amazon event, following the compiled blueprint. Pure and synchronous: no I/O, no
 * logging, the same answer for the same input, settings and time (`now`, epoch milliseconds). Never throws on
 * any input. The steps, each of which may end the event's way with its answer:
 *
 *   find the entry → read its rows → the country → consent and data use → build the Amazon event → validate it
 */
export function transformEvent(
  input: unknown,
  settings: TransformSettings,
  now: number,
  explain?: Explanation,
): TransformResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return invalid('EVENT_NOT_OBJECT', 'The event must be a JSON object.');
  }
  const event = input as Record<string, unknown>;

  const entry = findEntry(event, settings.blueprint, explain);
  if ('status' in entry) return entry;

  const values = entry.read(event);

  const found = eventCountry(values, settings);
  if ('status' in found) return found;
  const { country } = found;
  if (explain) explain.country = found.from;

  const context = event.context as Record<string, unknown> | undefined;
  const consent = decideConsent(context, country, settings.consentDefault ?? 'geo_only', settings.region);
  if (consent.status === 'filtered')
    return { status: 'filtered', reason: { code: consent.code, message: consent.message } };

  const matchKeys = entry.buildMatchKeys(values.matchKeys, country);
  if (matchKeys.length > LIMITS.matchKeysPerEvent) matchKeys.length = LIMITS.matchKeysPerEvent;
  if (explain) {
    explain.consent = consent.signal;
    explain.matchKeys = matchKeys.map((k) => k.type);
  }

  const limitedDataUse =
    settings.limitedDataUse === true ||
    asksLimitedDataUse(context, country, settings.gpcScope ?? 'us', settings.gppOptsOut ?? NO_OPT_OUT);

  const amazon = buildAmazonEvent(
    entry,
    values,
    { country, consent: consent.consent, matchKeys, limitedDataUse },
    settings,
  );

  return validateAmazonEvent(amazon, now, (field) =>
    badSource(entry.rows.fields[field], event, values.fields[field]),
  );
}

/**
 * The blueprint entry for an event (page, screen, identify and group events by their type, track events by
 * name), or why there is none to send it by.
 */
function findEntry(
  event: Record<string, unknown>,
  blueprint: CompiledBlueprint,
  explain: Explanation | undefined,
): CompiledEntry | InvalidResult | FilteredResult {
  const type = event.type;
  const byType = type === 'page' || type === 'screen' || type === 'identify' || type === 'group';
  const name = byType ? type : event.event;
  if (typeof name !== 'string' || name.trim() === '')
    return invalid('EVENT_NAME_MISSING', 'The event has no name: a track event needs `event`.', 'event');
  // Most events carry a name already in key form: one lookup, no normalising.
  const entry = blueprint.lookup.get(name) ?? blueprint.lookup.get(eventKey(name));
  if (explain) {
    explain.entry = entry?.key ?? null;
    if (entry) explain.eventName = entry.vendorEventName;
  }
  if (!entry) {
    const message = `No blueprint entry maps "${name.slice(0, 100)}"; unmapped events are dropped.`;
    return { status: 'filtered', reason: { code: 'EVENT_NOT_MAPPED', message } };
  }
  if (!entry.enabled) {
    const message = `The blueprint entry "${entry.key}" is disabled.`;
    return { status: 'filtered', reason: { code: 'EVENT_DISABLED', message } };
  }
  return entry.problem ? { status: 'invalid', error: { ...entry.problem.error } } : entry;
}

/**
 * The event's country and where it came from: its row's value, else the config's `default_country`, else the
 * profile's marketplace; or why there is none.
 */
function eventCountry(
  values: EntryValues,
  settings: TransformSettings,
): { country: string; from: CountrySource } | InvalidResult {
  const own = values.fields.countryCode;
  if (own === undefined) {
    if (settings.defaultCountry) return { country: settings.defaultCountry, from: 'default_country' };
    if (settings.marketplaceCountry) return { country: settings.marketplaceCountry, from: 'profile' };
    return invalid(
      'COUNTRY_MISSING',
      'The event has no country: send context.locale (such as en-US) or an address country, or set default_country in the config.',
      'countryCode',
    );
  }
  // Consent and normalisation read the country as text; a row without a transform can give anything.
  if (typeof own !== 'string') {
    return invalid(
      'COUNTRY_MISSING',
      'The event country is not text: map countryCode with the country_code transform (en-US, US or a country name).',
      'countryCode',
    );
  }
  return { country: own, from: 'event' };
}
