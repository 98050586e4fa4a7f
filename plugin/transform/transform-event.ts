import type { MatchKeyType } from '../amazon/event-types.js';
import type { Region } from '../constants.js';
import { LIMITS } from '../constants.js';
import type { TransformResult } from '../contracts.js';
import { buildAmazonEvent } from './build-event.js';
import { asksLimitedDataUse, decideConsent, type ConsentDefault } from './consent.js';
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
  region: Region;
  defaultCountry?: string;
  /** For purchases that carry no currency: the profile's, else the config's `default_currency`. */
  defaultCurrency?: string;
  /** What an event without a consent signal carries outside the countries that require one (default geo_only). */
  consentDefault?: ConsentDefault;
  dataSetName?: string;
  dataSetId?: string;
  /** Every event of the installation with LIMITED_DATA_USE (the config's `limited_data_use`). */
  limitedDataUse?: boolean;
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

  const country = eventCountry(values, settings);
  if (typeof country !== 'string') return country;

  const consent = decideConsent(
    event.context as Record<string, unknown> | undefined,
    country,
    settings.region,
    settings.consentDefault ?? 'geo_only',
  );
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
    asksLimitedDataUse(
      event.context as Record<string, unknown> | undefined,
      settings.gppOptsOut ?? NO_OPT_OUT,
    );

  const amazon = buildAmazonEvent(
    entry,
    values,
    { country, consent: consent.consent, matchKeys, limitedDataUse },
    settings,
  );

  const problem = validateAmazonEvent(amazon, now, (field) =>
    badSource(entry.rows.fields[field], event, values.fields[field]),
  );
  return problem ?? { status: 'ok', event: amazon };
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

/** The event's country: its row's value, else the installation's default; text, or why there is none. */
function eventCountry(values: EntryValues, settings: TransformSettings): string | InvalidResult {
  const country = values.fields.countryCode ?? settings.defaultCountry;
  if (!country) {
    return invalid(
      'COUNTRY_MISSING',
      'The event has no country: send context.locale (such as en-US) or an address country, or set default_country in the config.',
      'countryCode',
    );
  }
  // Consent and normalisation read the country as text; a row without a transform can give anything.
  if (typeof country !== 'string') {
    return invalid(
      'COUNTRY_MISSING',
      'The event country is not text: map countryCode with the country_code transform (en-US, US or a country name).',
      'countryCode',
    );
  }
  return country;
}
