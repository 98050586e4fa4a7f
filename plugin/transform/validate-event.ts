import type { AmazonEvent } from '../amazon/event-types.js';
import {
  COUNTRY_CODES,
  CURRENCY_CODES,
  EVENT_SOURCE_VALUES,
  isCustomDataChar,
} from '../amazon/reference-lists.js';
import { LIMITS } from '../constants.js';
import type { InvalidCode } from '../contracts.js';
import { everyCharIn } from './char-class.js';
import { parseTime } from './iso-time.js';
import { wholeCents } from './money.js';
import { invalid, type FieldName, type InvalidResult } from './model.js';
import type { UncheckedEvent } from './build-event.js';

const DAY_MS = 86_400_000;
/** How far in the future an event time may be (clock skew between the site, Signal and Amazon). */
export const FUTURE_SKEW_MS = 5 * 60_000;
const NAME_FORBIDDEN = /[!@#$%^&*|+=(){}[\]<>?\\/~;]/;
const DATA_SET_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const DIGITS = /^\d+$/;
/** customData names and values: letters, digits and `_`, at least one (values checked for every event). */
const customDataChars = everyCharIn(isCustomDataChar);
const customDataText = (text: string): boolean => text.length > 0 && customDataChars(text);

/** The first source of a field that was present but could not be converted, if any (asked only on error paths). */
export type BadSource = (field: FieldName) => string | undefined;
type Problem = [InvalidCode, string, string] | undefined;

/** What a rule may ask besides the event: the time, whether it is a purchase, and which source was bad. */
interface RuleContext {
  now: number;
  purchase: boolean;
  bad: BadSource;
}
type Rule = (event: UncheckedEvent, context: RuleContext) => Problem;

/**
 * Amazon's per-event rules, checked before anything is sent, in the order of `RULES` below. Each returns a
 * problem (code, message saying what to fix, field) or nothing, and changes nothing. Values are never echoed:
 * they may be personal data.
 */
const eventSource: Rule = (event, { bad }) => {
  const source = event.eventDescription.eventSource;
  if (typeof source === 'string' && EVENT_SOURCE_VALUES.has(source)) return undefined;
  const field = bad('eventSource') ?? 'eventDescription.eventSource';
  return source
    ? [
        'EVENT_SOURCE_MISSING',
        `The event source must be one Amazon accepts (${[...EVENT_SOURCE_VALUES].join(', ')}): map eventDescription.eventSource with a value or the event_source_from_device transform.`,
        field,
      ]
    : [
        'EVENT_SOURCE_MISSING',
        'Amazon needs an event source: for app events send context.os.name (Android, iOS or Fire OS).',
        field,
      ];
};

const dataSetName: Rule = (event) => {
  const dsn = event.eventDescription.dataSetName;
  return dsn === undefined || DATA_SET_NAME.test(dsn)
    ? undefined
    : [
        'DATA_SET_NAME_INVALID',
        'dataSetName must start with a letter and hold only letters, digits, _ and -.',
        'eventDescription.dataSetName',
      ];
};

const countryCode: Rule = (event) =>
  COUNTRY_CODES.has(event.countryCode)
    ? undefined
    : [
        'COUNTRY_MISSING',
        'countryCode must be an ISO 3166-1 alpha-2 code Amazon knows; fix default_country in the config.',
        'countryCode',
      ];

const eventTime: Rule = (event, { bad, now }) => {
  if (typeof event.eventTime !== 'string') {
    const source = bad('eventTime');
    if (source)
      return ['EVENT_TIME_INVALID', `${source} is not an RFC 3339 date-time or epoch milliseconds.`, source];
    if (event.eventTime !== undefined)
      return [
        'EVENT_TIME_INVALID',
        'eventTime is not text: map it with the iso_datetime transform (RFC 3339 or epoch milliseconds).',
        'eventTime',
      ];
    return [
      'TIMESTAMP_MISSING',
      'The event has no time of its own: send timestamp (web and app events may fall back to the receivedAt of ingestion; an offline conversion never does, it is sent with the time it happened).',
      'timestamp',
    ];
  }
  const t = parseTime(event.eventTime);
  if (Number.isNaN(t))
    return [
      'EVENT_TIME_INVALID',
      'The event time is not a valid date-time (a day or hour out of range?); send RFC 3339 text or epoch milliseconds.',
      'eventTime',
    ];
  if (now - t > LIMITS.maxEventAgeDays * DAY_MS)
    return [
      'EVENT_TOO_OLD',
      `The event is older than ${LIMITS.maxEventAgeDays} days; Amazon refuses older events.`,
      'eventTime',
    ];
  if (t - now > FUTURE_SKEW_MS)
    return [
      'EVENT_IN_FUTURE',
      `The event time is more than ${FUTURE_SKEW_MS / 60_000} minutes in the future; check the sending clock.`,
      'eventTime',
    ];
  return undefined;
};

const matchKeys: Rule = (event) =>
  event.matchKeys.length > 0
    ? undefined
    : [
        'NO_MATCH_KEYS',
        'The event has no match key: Amazon needs at least one of email, phone, name and address, advertising id, IP or a partner id.',
        'matchKeys',
      ];

const value: Rule = (event, { bad, purchase }) => {
  const source = bad('value');
  if (source) return ['VALUE_INVALID', `${source} is not a number.`, source];
  if (event.value === undefined) return undefined;
  if (typeof event.value !== 'number' || !Number.isFinite(event.value))
    return ['VALUE_INVALID', 'value must be a number: map it with the number transform.', 'value'];
  if (!Number.isFinite(event.value * 100)) return ['VALUE_INVALID', 'value is too large.', 'value'];
  if (wholeCents(event.value) === undefined)
    return ['VALUE_INVALID', 'value may have at most 2 decimals.', 'value'];
  return purchase && event.value < 0
    ? ['VALUE_INVALID', 'A purchase value must not be negative.', 'value']
    : undefined;
};

const currency: Rule = (event, { bad, purchase }) => {
  // Building sets currencyCode and unitsSold on purchases only.
  const c = event.currencyCode;
  if (c !== undefined && !(typeof c === 'string' && CURRENCY_CODES.has(c)))
    return [
      'CURRENCY_INVALID',
      'currencyCode must be an ISO 4217 code such as USD.',
      bad('currencyCode') ?? 'currencyCode',
    ];
  if (purchase && event.value !== undefined && c === undefined)
    return [
      'CURRENCY_INVALID',
      "A purchase with a value needs a currency: send properties.currency, or set default_currency in the config (the profile's currency is used when install knows it).",
      'currencyCode',
    ];
  return undefined;
};

const units: Rule = (event, { bad, purchase }) => {
  // Not sent on other types (see building), so not asked about either.
  if (!purchase) return undefined;
  const source = bad('unitsSold');
  const u = event.unitsSold;
  if (source) return ['UNITS_INVALID', `${source} is not a number.`, source];
  if (u === undefined) return undefined;
  return typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 2_147_483_647
    ? undefined
    : ['UNITS_INVALID', 'unitsSold must be a positive whole number.', 'unitsSold'];
};

const eventId: Rule = (event, { bad }) => {
  const id = event.eventId;
  return id === undefined || (typeof id === 'string' && id.length >= 1 && id.length <= 256)
    ? undefined
    : ['EVENT_ID_INVALID', 'eventId must be text of 1 to 256 characters.', bad('eventId') ?? 'eventId'];
};

const customData: Rule = (event) => {
  const data = event.customData ?? [];
  if (data.length > LIMITS.customDataPerEvent)
    return [
      'CUSTOM_DATA_INVALID',
      `At most ${LIMITS.customDataPerEvent} customData entries are allowed.`,
      'customData',
    ];
  for (const [i, entry] of data.entries()) {
    if (!customDataText(entry.value))
      return [
        'CUSTOM_DATA_INVALID',
        'customData values allow letters, digits and _ only.',
        `customData[${i}]`,
      ];
    if (
      entry.dataType === 'INTEGER' &&
      !(DIGITS.test(entry.value) && Number(entry.value) <= LIMITS.customDataIntegerMax)
    )
      return [
        'CUSTOM_DATA_INVALID',
        'An INTEGER customData value must be a whole number from 0 to 2147483647.',
        `customData[${i}]`,
      ];
    if (entry.dataType === 'TIMESTAMP' && !DIGITS.test(entry.value))
      return [
        'CUSTOM_DATA_INVALID',
        'A TIMESTAMP customData value must be a date-time (RFC 3339 or epoch milliseconds).',
        `customData[${i}]`,
      ];
  }
  return undefined;
};

/**
 * The rules on what a blueprint entry fixes for all its events, the Amazon event name and the customData names,
 * checked once when the blueprint is compiled rather than for every event. The blueprint schema refuses both
 * already; this guards a blueprint that reached `compileBlueprint` unchecked. An entry that breaks one gives
 * each of its events this `invalid` result.
 */
export function entryProblem(name: string, customDataNames: readonly string[]): InvalidResult | undefined {
  if (name.length < 1 || name.length > LIMITS.eventNameChars || NAME_FORBIDDEN.test(name))
    return invalid(
      'EVENT_NAME_INVALID',
      'The Amazon event name (vendor_event_name) must be 1 to 256 characters without !@#$%^&*|+=(){}[]<>?\\/~;',
      'eventDescription.name',
    );
  return customDataNames.every(customDataText)
    ? undefined
    : invalid(
        'CUSTOM_DATA_INVALID',
        'customData names allow letters, digits and _ only: fix the customData.<name> targets of this blueprint entry.',
        'customData',
      );
}

/** The rules, in the order they are asked: the first one an event breaks is its answer. */
const RULES: readonly Rule[] = [
  eventSource,
  dataSetName,
  countryCode,
  eventTime,
  matchKeys,
  value,
  currency,
  units,
  eventId,
  customData,
];

/**
 * The first rule the event breaks, as an `invalid` result, or the event as an `AmazonEvent` when Amazon should
 * accept it: the one place an `UncheckedEvent` becomes one.
 */
export function validateAmazonEvent(
  event: UncheckedEvent,
  now: number,
  bad: BadSource,
): InvalidResult | { status: 'ok'; event: AmazonEvent } {
  const context: RuleContext = {
    now,
    purchase: event.eventDescription.conversionType === 'OFF_AMAZON_PURCHASES',
    bad,
  };
  for (const rule of RULES) {
    const problem = rule(event, context);
    if (problem) return invalid(...problem);
  }
  // Every field a row sets has now been checked to be what AmazonEvent says it is.
  return { status: 'ok', event: event as AmazonEvent };
}
