import type { CompiledRow, EntryRows, EntryValues, FieldValues } from './model.js';
import { FIELD_NAMES } from './model.js';
import { isAbsent } from './paths.js';

/**
 * What a mapping row means for one event, spelled out: the definition the generated reader
 * (`compile/row-reader.ts`) is held to by a property test, and the reader itself where code generation is off.
 */

/** A source value the blueprint takes: not absent, not an empty list. */
export function isPresent(raw: unknown): boolean {
  return !isAbsent(raw) && !(Array.isArray(raw) && raw.length === 0);
}

/** A value_map maps scalars by their text; anything else (a list, an object) only meets its `*`. */
export function mapValue(valueMap: Map<string, unknown>, value: unknown): unknown {
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  return (scalar ? valueMap.get(String(value)) : undefined) ?? valueMap.get('*') ?? value;
}

const ABSENT = Symbol('absent');

/** Source `i` of the row read, mapped and converted; ABSENT when it holds nothing the blueprint takes. */
function fromSource(row: CompiledRow, i: number, event: Record<string, unknown>): unknown {
  const raw = row.getters[i]!(event);
  if (!isPresent(raw)) return ABSENT;
  const value = row.valueMap ? mapValue(row.valueMap, raw) : raw;
  const transform = row.sourceTransforms ? row.sourceTransforms[i] : row.transform;
  return transform ? transform(value) : value;
}

/** The row's value for this event: its literal, else its first present source that converts, else its default. */
export function resolveRow(row: CompiledRow, event: Record<string, unknown>): unknown {
  if (row.literal !== undefined) return row.valueMap ? mapValue(row.valueMap, row.literal) : row.literal;
  for (let i = 0; i < row.getters.length; i++) {
    const converted = fromSource(row, i, event);
    if (converted !== ABSENT && converted !== undefined) return converted;
  }
  return row.fallback;
}

/** Every row of an entry, read one by one. */
export function readRows(rows: EntryRows, event: Record<string, unknown>): EntryValues {
  const fields = {} as FieldValues;
  for (const name of FIELD_NAMES) {
    const row = rows.fields[name];
    fields[name] = row ? resolveRow(row, event) : undefined;
  }
  return {
    fields,
    matchKeys: rows.matchKeys.map((row) => resolveRow(row, event)),
    customData: rows.customData.map((row) => resolveRow(row, event)),
  };
}

/**
 * For error messages: the first source of the row that was present but could not be converted, when no source
 * gave a value. Worked out only when a rule asks, so the common path carries no bookkeeping; and only when the
 * row's value is its default, since any other value came from a source that converted.
 */
export function badSource(
  row: CompiledRow | undefined,
  event: Record<string, unknown>,
  value: unknown,
): string | undefined {
  if (!row || row.literal !== undefined || value !== row.fallback) return undefined;
  let bad: string | undefined;
  for (let i = 0; i < row.getters.length; i++) {
    const converted = fromSource(row, i, event);
    if (converted === ABSENT) continue;
    if (converted !== undefined) return undefined;
    bad ??= row.sources[i];
  }
  return bad;
}
