import type { MatchKeyType } from '../amazon/event-types.js';
import { compiledMatchKeys } from './compile/match-key-builder.js';
import { compiledReader } from './compile/row-reader.js';
import {
  eventKey,
  FIELDS,
  FIELD_NAMES,
  type Blueprint,
  type CompiledBlueprint,
  type CompiledEntry,
  type CompiledRow,
  type CustomDataRow,
  type EntryRows,
  type EventEntry,
  type FieldName,
  type MappingRow,
  type MatchKeyRow,
  type ValueTransform,
} from './model.js';
import { compilePath } from './paths.js';
import { TransformTables } from './transform-tables.js';
import { entryProblem } from './validate-event.js';

const FIELD_OF_TARGET = new Map<string, FieldName>(FIELD_NAMES.map((name) => [FIELDS[name], name]));

/** A mapping row made ready to run: its paths compiled, its transforms looked up. */
function compileRow(row: MappingRow, tables: TransformTables): CompiledRow {
  const sources = row.source === undefined ? [] : Array.isArray(row.source) ? row.source : [row.source];
  const named = (name: string | undefined) => (name ? tables.valueTransforms[name] : undefined);
  const { transform, prefix } = row;
  const transformPerSource = typeof transform === 'object' && transform !== null;
  const prefixPerSource = typeof prefix === 'object' && prefix !== null;
  const own = <T>(table: Record<string, T>, source: string): T | undefined =>
    Object.hasOwn(table, source) ? table[source] : undefined;
  return {
    target: row.target,
    sources,
    getters: sources.map(compilePath),
    literal: row.value,
    fallback: row.default,
    transform: transformPerSource || prefixPerSource ? undefined : prefixed(named(transform), prefix),
    ...(transformPerSource || prefixPerSource
      ? {
          sourceTransforms: sources.map((source) =>
            prefixed(
              named(transformPerSource ? own(transform, source) : transform),
              prefixPerSource ? own(prefix, source) : prefix,
            ),
          ),
        }
      : {}),
    valueMap: row.value_map ? new Map(Object.entries(row.value_map)) : undefined,
  };
}

/**
 * A row's transform with its `prefix` put before what it gives: text or a finite number becomes prefixed text;
 * anything else cannot be converted (undefined), so the row moves on to its next source. Composed here, once,
 * so the generated reader and its plain twin both run it as the row's one transform.
 */
function prefixed(
  transform: ValueTransform | undefined,
  prefix: string | undefined,
): ValueTransform | undefined {
  if (prefix === undefined) return transform;
  return (raw) => {
    const value = transform ? transform(raw) : raw;
    const scalar = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    return scalar && String(value) !== '' ? `${prefix}${String(value)}` : undefined;
  };
}

/** `matchKeys.EMAIL` → ['matchKeys', 'EMAIL']. */
function splitTarget(target: string): [string, string] {
  const dot = target.indexOf('.');
  return dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
}

/** Rows sorted by what they set (a target of none of these kinds sets nothing). A later row replaces an earlier one for the same field. */
function entryRows(rows: ReadonlyArray<[CompiledRow, MappingRow]>, tables: TransformTables): EntryRows {
  const fields: { [K in FieldName]?: CompiledRow } = {};
  const matchKeys: MatchKeyRow[] = [];
  const customData: CustomDataRow[] = [];
  for (const [row, mapping] of rows) {
    const field = FIELD_OF_TARGET.get(row.target);
    const [kind, rest] = splitTarget(row.target);
    if (field) fields[field] = row;
    else if (kind === 'matchKeys' && rest) {
      const type = rest as MatchKeyType;
      matchKeys.push({ ...row, type, prepare: tables.matchKeys.preparer(type) });
    } else if (kind === 'customData' && rest)
      customData.push({ ...row, name: rest, dataType: mapping.data_type });
  }
  return { fields, matchKeys, customData };
}

/**
 * Compiles a blueprint with the installation's custom events. An event's own rows replace the global rows of
 * the same target. Custom entries are registered last, so they win any name or alias they share with a
 * shipped entry; a custom entry that replaces a shipped one keeps the shipped aliases unless it lists its own.
 */
export function compileBlueprint(
  blueprint: Blueprint,
  customEvents: Record<string, EventEntry> = {},
  tables: TransformTables = new TransformTables(),
): CompiledBlueprint {
  const compile = (row: MappingRow): [CompiledRow, MappingRow] => [compileRow(row, tables), row];
  const global = blueprint.global.mappings.map(compile);
  const lookup = new Map<string, CompiledEntry>();
  const register = (name: string, entry: EventEntry): void => {
    const own = (entry.mappings ?? []).map(compile);
    const ownTargets = new Set(own.map(([row]) => row.target));
    const rows = entryRows([...global.filter(([row]) => !ownTargets.has(row.target)), ...own], tables);
    const compiled: CompiledEntry = {
      key: name,
      vendorEventName: entry.vendor_event_name,
      conversionType: entry.conversion_type,
      enabled: entry.enabled !== false,
      problem: entryProblem(
        entry.vendor_event_name,
        rows.customData.map((row) => row.name),
      ),
      rows,
      read: compiledReader(rows),
      buildMatchKeys: compiledMatchKeys(rows.matchKeys),
    };
    for (const n of [name, ...(entry.aliases ?? [])]) lookup.set(eventKey(n), compiled);
  };
  for (const [name, entry] of Object.entries(blueprint.events)) register(name, entry);
  for (const [name, entry] of Object.entries(customEvents)) {
    register(name, { ...entry, aliases: entry.aliases ?? blueprint.events[name]?.aliases });
  }
  return { name: blueprint.name, lookup };
}
