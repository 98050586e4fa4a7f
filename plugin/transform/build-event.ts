import type { AmazonConsent, AmazonEvent } from '../amazon/event-types.js';
import { LIMITS } from '../constants.js';
import type { CompiledEntry, EntryValues } from './model.js';
import { wholeCents } from './money.js';

/** What the pipeline decided before building: the country, the consent to send and the match keys. */
export interface Decided {
  country: string;
  consent: AmazonConsent | undefined;
  matchKeys: AmazonEvent['matchKeys'];
  /** LIMITED_DATA_USE for this event: the installation's setting, or the person's own signal. */
  limitedDataUse: boolean;
}

/** What an installation adds to every event. */
export interface EventDefaults {
  /** Sent only without `dataSetId`: an API token's events name their dataset by id alone, as Amazon's tag. */
  dataSetName?: string;
  /** The dataset an API token is bound to, sent on every event (config `data_set_id`). */
  dataSetId?: string;
  /** The currency of a purchase that carries none. */
  defaultCurrency?: string;
  /** Amazon's `partner`: the service that delivers the event (the host's name), unless a row sets it. */
  partner?: string;
}

/** The Amazon fields a blueprint row sets: what the row gave, of any JSON type, until validation checks it. */
type RowSet = 'eventTime' | 'value' | 'currencyCode' | 'unitsSold' | 'eventId';

/**
 * An Amazon event as building gives it: the fields a row sets hold whatever the row gave (a row without a
 * transform can give any JSON value), the rest as Amazon wants them. `validateAmazonEvent` narrows it to an
 * `AmazonEvent` or says what is wrong; nothing else may.
 */
export type UncheckedEvent = Omit<AmazonEvent, RowSet | 'eventDescription'> & {
  eventDescription: Omit<AmazonEvent['eventDescription'], 'eventSource'> & { eventSource: unknown };
} & { [K in RowSet]?: unknown };

/** Text of any value without throwing (`String` throws on an object without a prototype). */
const asText = (value: unknown): string =>
  value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);

/** Money with floating-point noise (59.970000000000006) as cents; any other value as it is, for validation. */
function money(value: unknown): unknown {
  if (typeof value !== 'number') return value;
  const cents = wholeCents(value);
  return cents === undefined ? value : cents / 100;
}

/**
 * The Amazon event from an entry's values and what the pipeline decided, with the fields in the order Amazon
 * lists them. A field whose row gave nothing is left out; what a row gave is set as it is, for validation to
 * check (a row without a transform can give any JSON value). Builds; checks nothing.
 */
export function buildAmazonEvent(
  entry: CompiledEntry,
  values: EntryValues,
  decided: Decided,
  defaults: EventDefaults,
): UncheckedEvent {
  const {
    eventSource,
    eventTime,
    countryCode, // decided: the row's country, else the installation's default
    value,
    currencyCode,
    unitsSold,
    eventId,
    userAgent,
    amazonAdEventKey,
    arefMeasurementTokens,
    partner,
    ...unbuilt
  } = values.fields;
  // A field added to FIELDS (model.ts) and not built above stops the type checker here.
  const everyFieldBuilt: Record<string, never> = unbuilt;
  void everyFieldBuilt;

  const amazon: UncheckedEvent = {
    eventDescription: {
      name: entry.vendorEventName,
      conversionType: entry.conversionType,
      eventSource,
      eventIngestionMethod: 'SERVER_TO_SERVER',
    },
    countryCode: decided.country,
    eventTime,
    matchKeys: decided.matchKeys,
  };
  if (defaults.dataSetName && !defaults.dataSetId) amazon.eventDescription.dataSetName = defaults.dataSetName;
  if (value !== undefined) amazon.value = money(value);
  // Currency and units belong to purchases only: on any other type they are left out, as Amazon's tag does.
  if (entry.conversionType === 'OFF_AMAZON_PURCHASES') {
    const currency = currencyCode ?? defaults.defaultCurrency;
    if (currency !== undefined) amazon.currencyCode = currency;
    if (unitsSold !== undefined) amazon.unitsSold = unitsSold;
  }
  if (eventId !== undefined) amazon.eventId = eventId;
  if (decided.consent) amazon.consent = decided.consent;
  const customData = customDataOf(entry, values);
  if (customData) amazon.customData = customData;
  if (decided.limitedDataUse) amazon.dataProcessingOptions = { options: 'LIMITED_DATA_USE' };
  if (typeof userAgent === 'string')
    amazon.deviceInfo = { userAgent: userAgent.slice(0, LIMITS.userAgentChars) };
  if (typeof amazonAdEventKey === 'string') amazon.amazonAdEventKey = amazonAdEventKey;
  if (typeof arefMeasurementTokens === 'string') amazon.arefMeasurementTokens = arefMeasurementTokens;
  const deliveredBy = typeof partner === 'string' ? partner : defaults.partner;
  if (deliveredBy) amazon.partner = deliveredBy;
  if (defaults.dataSetId) amazon.dataSetId = defaults.dataSetId;
  return amazon;
}

const isCustomInteger = (value: unknown): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LIMITS.customDataIntegerMax;

/**
 * One customData entry per row that gave a value, as text with its dataType: what the row says, else INTEGER
 * for a whole number in range and STRING for anything else. A TIMESTAMP is sent as epoch milliseconds (text of
 * digits, the only form Amazon's customData alphabet allows); a date-time that cannot be read is sent as it is,
 * for validation to refuse.
 */
function customDataOf(entry: CompiledEntry, values: EntryValues): AmazonEvent['customData'] {
  let customData: AmazonEvent['customData'];
  entry.rows.customData.forEach((row, i) => {
    const value = values.customData[i];
    if (value === undefined) return;
    const dataType = row.dataType ?? (isCustomInteger(value) ? 'INTEGER' : 'STRING');
    const text = dataType === 'TIMESTAMP' ? epochMillis(value) : asText(value);
    (customData ??= []).push({ name: row.name, value: text, dataType });
  });
  return customData;
}

/** A date-time (RFC 3339 text or epoch milliseconds) as epoch-millisecond digits, or its own text. */
function epochMillis(value: unknown): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isSafeInteger(ms) && ms >= 0 ? String(ms) : asText(value);
}
