import type { AmazonEvent, EventSource, MatchKeyType } from '../amazon/event-types.js';
import type { Region } from '../constants.js';
import { LIMITS } from '../constants.js';
import type { InvalidCode, TransformResult } from '../contracts.js';
import { eventKey, type CompiledBlueprint, type CompiledEntry, type CompiledMapping } from './blueprint.js';
import { decideConsent } from './consent.js';
import { matchKeyValue } from './normalize/match-keys.js';
import { isAbsent } from './paths.js';
import { validateAmazonEvent } from './validate-event.js';

/** What transform needs besides the event: the installation's settings and the time. */
export interface TransformContext {
  blueprint: CompiledBlueprint;
  region: Region;
  now: number;
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

interface Resolved {
  value: unknown;
  /** The first source that was present but could not be converted, for error messages. */
  badSource?: string;
}

function resolve(mapping: CompiledMapping, event: Record<string, unknown>): Resolved {
  if (mapping.literal !== undefined) return { value: mapped(mapping, mapping.literal) };
  let badSource: string | undefined;
  for (let i = 0; i < mapping.getters.length; i++) {
    const raw = mapping.getters[i]!(event);
    if (isAbsent(raw) || (Array.isArray(raw) && raw.length === 0)) continue;
    const value = mapped(mapping, raw);
    const converted = mapping.transform ? mapping.transform(value) : value;
    if (converted !== undefined) return { value: converted };
    badSource ??= mapping.sources[i];
  }
  return { value: mapping.fallback, badSource };
}

function mapped(mapping: CompiledMapping, value: unknown): unknown {
  if (!mapping.valueMap) return value;
  return mapping.valueMap.get(String(value)) ?? mapping.valueMap.get('*') ?? value;
}

const invalid = (code: InvalidCode, message: string, field?: string): TransformResult => ({
  status: 'invalid',
  error: { code, message, ...(field ? { field } : {}) },
});

/** The blueprint entry for an event: page, screen, identify and group events by their type, track events by name. */
export function findEntry(
  event: Record<string, unknown>,
  blueprint: CompiledBlueprint,
): { entry?: CompiledEntry; name?: string } {
  const type = event.type;
  const byType = type === 'page' || type === 'screen' || type === 'identify' || type === 'group';
  const name = byType ? type : event.event;
  if (typeof name !== 'string' || name.trim() === '') return {};
  return { entry: blueprint.lookup.get(eventKey(name)), name };
}

/**
 * Signal canonical event → Amazon event, following the compiled blueprint. Pure and synchronous: no I/O, no
 * logging, the same answer for the same input and clock. Never throws on any input.
 */
export function transformEvent(
  input: unknown,
  ctx: TransformContext,
  explain?: Explanation,
): TransformResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return invalid('EVENT_NOT_OBJECT', 'The event must be a JSON object.');
  }
  const event = input as Record<string, unknown>;
  const { entry, name } = findEntry(event, ctx.blueprint);
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

  const fields = new Map<string, Resolved>();
  const customData: NonNullable<AmazonEvent['customData']> = [];
  const keySources: Array<[MatchKeyType, unknown]> = [];
  for (const mapping of entry.mappings) {
    if (mapping.matchKey) {
      keySources.push([mapping.matchKey, resolve(mapping, event).value]);
    } else if (mapping.customData) {
      const { value } = resolve(mapping, event);
      if (value !== undefined)
        customData.push({ name: mapping.customData, value: String(value), dataType: 'STRING' });
    } else {
      fields.set(mapping.target, resolve(mapping, event));
    }
  }

  const country = (fields.get('countryCode')?.value as string | undefined) ?? ctx.defaultCountry;
  if (!country) {
    return invalid(
      'COUNTRY_MISSING',
      'The event has no country: send context.locale (such as en-US) or an address country, or set default_country in the config.',
      'countryCode',
    );
  }

  const consent = decideConsent(event.context as Record<string, unknown> | undefined, country, ctx.region);
  if (consent.status === 'filtered')
    return { status: 'filtered', reason: { code: consent.code, message: consent.message } };
  if (explain) explain.consent = consent.signal;

  const matchKeys: AmazonEvent['matchKeys'] = [];
  for (const [type, raw] of keySources) {
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    const value = matchKeyValue(type, String(raw), country);
    if (value !== undefined && !matchKeys.some((k) => k.type === type))
      matchKeys.push({ type, values: [value] });
  }
  if (explain) explain.matchKeys = matchKeys.map((k) => k.type);

  const source = fields.get('eventDescription.eventSource');
  const time = fields.get('eventTime');
  const amazon: AmazonEvent = {
    eventDescription: {
      name: entry.vendorEventName,
      conversionType: entry.conversionType,
      eventSource: source?.value as EventSource,
      eventIngestionMethod: 'SERVER_TO_SERVER',
      ...(ctx.dataSetName ? { dataSetName: ctx.dataSetName } : {}),
    },
    countryCode: country,
    eventTime: time?.value as string,
    matchKeys: matchKeys.slice(0, LIMITS.matchKeysPerEvent),
  };
  const optional: Array<[keyof AmazonEvent, string]> = [
    ['value', 'value'],
    ['currencyCode', 'currencyCode'],
    ['unitsSold', 'unitsSold'],
    ['eventId', 'eventId'],
  ];
  for (const [key, target] of optional) {
    const v = fields.get(target)?.value;
    if (v !== undefined) (amazon as unknown as Record<string, unknown>)[key] = v;
  }
  amazon.consent = consent.consent;
  if (customData.length > 0) amazon.customData = customData;
  if (ctx.limitedDataUse) amazon.dataProcessingOptions = { options: 'LIMITED_DATA_USE' };
  const ua = fields.get('deviceInfo.userAgent')?.value;
  if (typeof ua === 'string') amazon.deviceInfo = { userAgent: ua.slice(0, LIMITS.userAgentChars) };
  for (const key of ['amazonAdEventKey', 'arefMeasurementTokens', 'partner'] as const) {
    const v = fields.get(key)?.value;
    if (typeof v === 'string') amazon[key] = v;
  }

  const problem = validateAmazonEvent(amazon, fields, ctx.now);
  return problem ?? { status: 'ok', event: amazon };
}
