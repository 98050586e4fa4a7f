import type { AmazonEvent, EventSource, MatchKeyType } from '../amazon/event-types.js';
import type { Region } from '../constants.js';
import { LIMITS } from '../constants.js';
import type { TransformResult } from '../contracts.js';
import { eventKey, type CompiledBlueprint, type CompiledEntry } from './blueprint.js';
import { decideConsent } from './consent.js';
import { badSource } from './row-reader.js';
import { invalid, validateAmazonEvent } from './validate-event.js';

/** What transform needs of an installation besides the event and the time, made once per installation. */
export interface TransformSettings {
  blueprint: CompiledBlueprint;
  region: Region;
  defaultCountry?: string;
  dataSetName?: string;
  limitedDataUse?: boolean;
}

/** What `--explain` shows: which entry matched and which match keys were found (types only, no values). */
export interface Explanation {
  entry: string | null;
  matchKeys: MatchKeyType[];
  consent?: string;
}

/** Text of any value without throwing (`String` throws on an object without a prototype). */
const asText = (value: unknown): string =>
  value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);

/** The blueprint entry for an event: page, screen, identify and group events by their type, track events by name. */
export function findEntry(
  event: Record<string, unknown>,
  blueprint: CompiledBlueprint,
): { entry?: CompiledEntry; name?: string } {
  const type = event.type;
  const byType = type === 'page' || type === 'screen' || type === 'identify' || type === 'group';
  const name = byType ? type : event.event;
  if (typeof name !== 'string' || name.trim() === '') return {};
  // Most events carry a name already in key form: one lookup, no normalising.
  return { entry: blueprint.lookup.get(name) ?? blueprint.lookup.get(eventKey(name)), name };
}

/**
 * Signal canonical event → Amazon event, following the compiled blueprint. Pure and synchronous: no I/O, no
 * logging, the same answer for the same input, settings and time (`now`, epoch milliseconds). Never throws on
 * any input.
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
  const { entry, name } = findEntry(event, settings.blueprint);
  if (name === undefined)
    return invalid('EVENT_NAME_MISSING', 'The event has no name: a track event needs `event`.', 'event');
  if (explain) explain.entry = entry?.key ?? null;
  if (!entry) {
    return {
      status: 'filtered',
      reason: {
        code: 'EVENT_NOT_MAPPED',
        message: `No blueprint entry maps "${name.slice(0, 100)}"; unmapped events are dropped.`,
      },
    };
  }
  if (!entry.enabled) {
    return {
      status: 'filtered',
      reason: { code: 'EVENT_DISABLED', message: `The blueprint entry "${entry.key}" is disabled.` },
    };
  }
  if (entry.problem) return { status: 'invalid', error: { ...entry.problem.error } };

  const { at } = entry;
  const values = entry.read(event);
  const country = values[at.countryCode] ?? settings.defaultCountry;
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

  const consent = decideConsent(
    event.context as Record<string, unknown> | undefined,
    country,
    settings.region,
  );
  if (consent.status === 'filtered')
    return { status: 'filtered', reason: { code: consent.code, message: consent.message } };
  if (explain) explain.consent = consent.signal;

  const matchKeys = entry.buildMatchKeys(values, country);
  if (matchKeys.length > LIMITS.matchKeysPerEvent) matchKeys.length = LIMITS.matchKeysPerEvent;
  if (explain) explain.matchKeys = matchKeys.map((k) => k.type);

  let customData: AmazonEvent['customData'];
  // Values come in row order: the field rows, the match key rows, the customData rows, one undefined.
  let row = values.length - 1 - entry.customData.length;
  for (const mapping of entry.customData) {
    const value = values[row++];
    if (value !== undefined)
      (customData ??= []).push({ name: mapping.customData!, value: asText(value), dataType: 'STRING' });
  }

  const amazon: AmazonEvent = {
    eventDescription: {
      name: entry.vendorEventName,
      conversionType: entry.conversionType,
      eventSource: values[at['eventDescription.eventSource']] as EventSource,
      eventIngestionMethod: 'SERVER_TO_SERVER',
    },
    countryCode: country,
    eventTime: values[at.eventTime] as string,
    matchKeys,
  };
  if (settings.dataSetName) amazon.eventDescription.dataSetName = settings.dataSetName;
  // Set when their row gives a value (validation then checks it); one store each, in the order Amazon lists
  // them (a loop over the names would make every store a keyed, megamorphic one).
  const value = values[at.value];
  if (value !== undefined) amazon.value = value as number;
  const currency = values[at.currencyCode];
  if (currency !== undefined) amazon.currencyCode = currency as string;
  const units = values[at.unitsSold];
  if (units !== undefined) amazon.unitsSold = units as number;
  const eventId = values[at.eventId];
  if (eventId !== undefined) amazon.eventId = eventId as string;
  amazon.consent = consent.consent;
  if (customData) amazon.customData = customData;
  if (settings.limitedDataUse) amazon.dataProcessingOptions = { options: 'LIMITED_DATA_USE' };
  const ua = values[at['deviceInfo.userAgent']];
  if (typeof ua === 'string') amazon.deviceInfo = { userAgent: ua.slice(0, LIMITS.userAgentChars) };
  // Set only when text.
  const adEventKey = values[at.amazonAdEventKey];
  if (typeof adEventKey === 'string') amazon.amazonAdEventKey = adEventKey;
  const aref = values[at.arefMeasurementTokens];
  if (typeof aref === 'string') amazon.arefMeasurementTokens = aref;
  const partner = values[at.partner];
  if (typeof partner === 'string') amazon.partner = partner;

  const problem = validateAmazonEvent(amazon, now, (target) =>
    badSource(entry.fields[target], event, values[at[target]]),
  );
  return problem ?? { status: 'ok', event: amazon };
}
