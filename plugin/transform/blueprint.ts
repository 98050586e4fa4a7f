import type { ConversionType, MatchKeyType } from '../amazon/event-types.js';
import { MATCH_KEY_TYPES, matchKeyPreparer, type MatchKeyPreparer } from './normalize/match-keys.js';
import { compilePath, type Getter } from './paths.js';
import { compiledMatchKeys, type MatchKeyBuilder } from './match-key-builder.js';
import { compiledReader, type RowReader } from './row-reader.js';
import { entryProblem, type InvalidResult } from './validate-event.js';
import { VALUE_TRANSFORMS, type ValueTransform } from './value-transforms.js';

type Scalar = string | number | boolean;

/** One mapping row of a blueprint (schemas/blueprint.schema.json#/definitions/mapping). */
export interface MappingRow {
  source?: string | string[];
  value?: Scalar;
  default?: Scalar;
  target: string;
  transform?: string;
  value_map?: Record<string, Scalar>;
}

/** One event entry (schemas/blueprint.schema.json#/definitions/eventEntry). */
export interface EventEntry {
  vendor_event_name: string;
  conversion_type: ConversionType;
  enabled?: boolean;
  aliases?: string[];
  mappings?: MappingRow[];
}

/** A blueprint: Signal's integration configuration v2 shape, pure data. */
export interface Blueprint {
  version: 2;
  name: string;
  description?: string;
  delivery_mode?: 'server_side';
  global: { mappings: MappingRow[] };
  defaults: { action: 'drop' };
  events: Record<string, EventEntry>;
}

/** The Amazon fields a row can set besides match keys and customData (the blueprint schema's `target`). */
export const FIELD_TARGETS = [
  'eventDescription.eventSource',
  'eventTime',
  'countryCode',
  'eventId',
  'value',
  'currencyCode',
  'unitsSold',
  'deviceInfo.userAgent',
  'amazonAdEventKey',
  'arefMeasurementTokens',
  'partner',
] as const;
export type FieldTarget = (typeof FIELD_TARGETS)[number];

/** A mapping row made ready to run: paths compiled, transform looked up. */
export interface CompiledMapping {
  target: string;
  matchKey?: MatchKeyType;
  /** A match key row's normalise-and-hash step (or check, for raw ids). */
  prepare?: MatchKeyPreparer;
  /** A match key row's type as one bit, to keep the first value of each type cheaply. */
  matchKeyBit?: number;
  customData?: string;
  sources: string[];
  getters: Getter[];
  literal?: Scalar;
  fallback?: Scalar;
  transform?: ValueTransform;
  valueMap?: Map<string, Scalar>;
}

export interface CompiledEntry {
  key: string;
  vendorEventName: string;
  conversionType: ConversionType;
  enabled: boolean;
  /** Set when the entry itself breaks one of Amazon's rules (`entryProblem`): each of its events is this. */
  problem?: InvalidResult;
  /** The row setting each field: the event's own row replaces the global one (and a later row an earlier one). */
  fields: Record<FieldTarget, CompiledMapping | undefined>;
  /** Match key rows in blueprint order: the first row giving a type a value wins. */
  matchKeys: CompiledMapping[];
  customData: CompiledMapping[];
  /**
   * Reads the entry's rows from an event: the field rows (in `FIELD_TARGETS` order), then the match key rows,
   * then the customData rows, then one `undefined`, which is where `at` points a field no row sets.
   */
  read: RowReader;
  at: Record<FieldTarget, number>;
  /** The event's match keys from the values `read` gave and the event's country. */
  buildMatchKeys: MatchKeyBuilder;
}

export interface CompiledBlueprint {
  name: string;
  /** Event names and aliases, normalised by `eventKey`, to their entry. */
  lookup: Map<string, CompiledEntry>;
}

/** How names are compared: `Order Completed`, `order-completed` and `order_completed` are one name. */
export function eventKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function compileMapping(row: MappingRow): CompiledMapping {
  const sources = row.source === undefined ? [] : Array.isArray(row.source) ? row.source : [row.source];
  const [kind, rest] = splitTarget(row.target);
  return {
    target: row.target,
    matchKey: kind === 'matchKeys' ? (rest as MatchKeyType) : undefined,
    prepare: kind === 'matchKeys' ? matchKeyPreparer(rest as MatchKeyType) : undefined,
    matchKeyBit: kind === 'matchKeys' ? 1 << MATCH_KEY_TYPES.indexOf(rest as MatchKeyType) : undefined,
    customData: kind === 'customData' ? rest : undefined,
    sources,
    getters: sources.map(compilePath),
    literal: row.value,
    fallback: row.default,
    transform: row.transform ? VALUE_TRANSFORMS[row.transform] : undefined,
    valueMap: row.value_map ? new Map(Object.entries(row.value_map)) : undefined,
  };
}

function splitTarget(target: string): [string, string] {
  const dot = target.indexOf('.');
  return dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
}

/**
 * Compiles a blueprint with the installation's custom events. Custom entries are registered last, so they win
 * any name or alias they share with a shipped entry; a custom entry that replaces a shipped one keeps the
 * shipped aliases unless it lists its own.
 */
export function compileBlueprint(
  blueprint: Blueprint,
  customEvents: Record<string, EventEntry> = {},
): CompiledBlueprint {
  const global = blueprint.global.mappings.map(compileMapping);
  const lookup = new Map<string, CompiledEntry>();
  const register = (name: string, entry: EventEntry): void => {
    const own = (entry.mappings ?? []).map(compileMapping);
    const ownTargets = new Set(own.map((m) => m.target));
    const mappings = [...global.filter((m) => !ownTargets.has(m.target)), ...own];
    const fields = Object.fromEntries(FIELD_TARGETS.map((t) => [t, undefined])) as CompiledEntry['fields'];
    for (const m of mappings) if (m.target in fields) fields[m.target as FieldTarget] = m;
    const fieldRows = FIELD_TARGETS.flatMap((t) => fields[t] ?? []);
    const matchKeys = mappings.filter((m) => m.matchKey);
    const customData = mappings.filter((m) => m.customData);
    const rows = [...fieldRows, ...matchKeys, ...customData];
    const at = Object.fromEntries(
      FIELD_TARGETS.map((t) => [t, fields[t] ? fieldRows.indexOf(fields[t]) : rows.length]),
    ) as CompiledEntry['at'];
    const compiled: CompiledEntry = {
      key: name,
      vendorEventName: entry.vendor_event_name,
      conversionType: entry.conversion_type,
      enabled: entry.enabled !== false,
      problem: entryProblem(
        entry.vendor_event_name,
        customData.map((m) => m.customData!),
      ),
      fields,
      matchKeys,
      customData,
      read: compiledReader(rows),
      at,
      buildMatchKeys: compiledMatchKeys(matchKeys, fieldRows.length),
    };
    for (const n of [name, ...(entry.aliases ?? [])]) lookup.set(eventKey(n), compiled);
  };
  for (const [name, entry] of Object.entries(blueprint.events)) register(name, entry);
  for (const [name, entry] of Object.entries(customEvents)) {
    register(name, { ...entry, aliases: entry.aliases ?? blueprint.events[name]?.aliases });
  }
  return { name: blueprint.name, lookup };
}
