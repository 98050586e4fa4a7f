import type { CompiledMapping } from './blueprint.js';
import { isAbsent, segmentsOf, type Segment } from './paths.js';

/** Reads every row of a blueprint entry from an event: the rows' values in row order, then one `undefined`. */
export type RowReader = (event: Record<string, unknown>) => unknown[];

/** A source value the blueprint takes: not absent, not an empty list. */
function present(raw: unknown): boolean {
  return !isAbsent(raw) && !(Array.isArray(raw) && raw.length === 0);
}

/** `present(raw)` written out for generated code, so the check costs no call. */
const PRESENT =
  "raw !== undefined && raw !== null && (typeof raw === 'string' ? raw.length > 0 && ((raw.charCodeAt(0) > 32 && raw.charCodeAt(0) < 0xa0) || raw.trim() !== '') : !(Array.isArray(raw) && raw.length === 0))";

/** A value_map maps scalars by their text; anything else (a list, an object) only meets its `*`. */
function mapValue(valueMap: Map<string, unknown>, value: unknown): unknown {
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  return (scalar ? valueMap.get(String(value)) : undefined) ?? valueMap.get('*') ?? value;
}

const ABSENT = Symbol('absent');

/** Source `i` of the row read, mapped and converted; ABSENT when it holds nothing the blueprint takes. */
function fromSource(mapping: CompiledMapping, i: number, event: Record<string, unknown>): unknown {
  const raw = mapping.getters[i]!(event);
  if (!present(raw)) return ABSENT;
  const value = mapping.valueMap ? mapValue(mapping.valueMap, raw) : raw;
  return mapping.transform ? mapping.transform(value) : value;
}

/**
 * The row's value for this event: its literal, else its first present source that converts, else its default.
 * This is the blueprint's meaning; `compiledReader` is held to it by a property test.
 */
export function resolveRow(mapping: CompiledMapping, event: Record<string, unknown>): unknown {
  if (mapping.literal !== undefined)
    return mapping.valueMap ? mapValue(mapping.valueMap, mapping.literal) : mapping.literal;
  for (let i = 0; i < mapping.getters.length; i++) {
    const converted = fromSource(mapping, i, event);
    if (converted !== ABSENT && converted !== undefined) return converted;
  }
  return mapping.fallback;
}

/**
 * For error messages: the first source of the row that was present but could not be converted, when no source
 * gave a value. Worked out only when a rule asks, so the common path carries no bookkeeping; and only when the
 * row's value (what the reader gave) is its default, since any other value came from a source that converted.
 */
export function badSource(
  mapping: CompiledMapping | undefined,
  event: Record<string, unknown>,
  value: unknown,
): string | undefined {
  if (!mapping || mapping.literal !== undefined || value !== mapping.fallback) return undefined;
  let bad: string | undefined;
  for (let i = 0; i < mapping.getters.length; i++) {
    const converted = fromSource(mapping, i, event);
    if (converted === ABSENT) continue;
    if (converted !== undefined) return undefined;
    bad ??= mapping.sources[i];
  }
  return bad;
}

/** The rows' values in order, then one `undefined` (where an entry points a field no row sets). */
export function interpretedReader(rows: readonly CompiledMapping[]): RowReader {
  return (event) => [...rows.map((row) => resolveRow(row, event)), undefined];
}

/** One step of a path read from `from`, as an expression; the key written as a JSON string literal. */
function stepCode(from: string, { key, index }: Segment): string {
  const item = index >= 0 ? `${from}[${index}]` : 'undefined';
  return `(${from} !== null && typeof ${from} === 'object' ? (Array.isArray(${from}) ? ${item} : ${from}[${JSON.stringify(key)}]) : undefined)`;
}

/**
 * The objects on the way to each row's first source (`context`, `traits.address`, …) are read once, before the
 * rows, into constants; every source then starts from the longest of them it lies under. Reading a key of
 * event data twice gives the same value, so this changes no answer; it saves reading `event.context` for each
 * of a dozen rows.
 */
function sharedPrefixes(rows: readonly CompiledMapping[]): Map<string, string> {
  const wanted = new Set<string>();
  for (const row of rows) {
    const first = row.literal === undefined ? row.sources[0] : undefined;
    if (first === undefined || first.split('.').includes('*')) continue;
    const keys = first.split('.');
    for (let n = 1; n < keys.length; n++) wanted.add(keys.slice(0, n).join('.'));
  }
  // Shorter first, so a prefix's own parent is always declared before it.
  const ordered = [...wanted].sort((a, b) => a.split('.').length - b.split('.').length);
  return new Map(ordered.map((prefix, k) => [prefix, `P${k}`]));
}

/** Where a read of `path` starts: the longest shared prefix it lies under (or the event), and the keys after it. */
function startOf(path: string, shared: Map<string, string>): [string, Segment[]] {
  const keys = path.split('.');
  for (let n = keys.length - 1; n > 0; n--) {
    const name = shared.get(keys.slice(0, n).join('.'));
    if (name) return [name, segmentsOf(keys.slice(n).join('.'))];
  }
  return ['event', segmentsOf(path)];
}

/** Statements that read a dotted path without `*` into `raw`. */
function pathCode(path: string, shared: Map<string, string>): string {
  const [from, rest] = startOf(path, shared);
  return [`raw = ${from};`, ...rest.map((segment) => `raw = ${stepCode('raw', segment)};`)].join('\n');
}

/**
 * The rows of an entry compiled to one JavaScript function, as ajv compiles a schema: every property read and
 * every call gets a code site of its own, so V8 keeps them monomorphic and inlines the value transforms, where
 * one interpreting loop over all rows turns megamorphic (about twice the time per event). Only paths checked
 * by the blueprint schema reach here, and every key is written as a JSON string literal, so no text of a
 * blueprint becomes code. Where code generation is disabled (`--disallow-code-generation-from-strings`), the
 * interpreter is used.
 */
export function compiledReader(rows: readonly CompiledMapping[]): RowReader {
  const constants: unknown[] = [];
  const constant = (value: unknown): string => `K${constants.push(value) - 1}`;
  const shared = sharedPrefixes(rows);
  // Each prefix is one step from its parent prefix (every shorter prefix of a wanted one is wanted too).
  const prefixes = [...shared].map(([prefix, name]) => {
    const segments = segmentsOf(prefix);
    const parent = shared.get(prefix.slice(0, prefix.lastIndexOf('.'))) ?? 'event';
    return `const ${name} = ${stepCode(parent, segments[segments.length - 1]!)};`;
  });
  const blocks = rows.map((row, i) => {
    if (row.literal !== undefined) return `const v${i} = ${constant(resolveRow(row, {}))};`;
    const transform = row.transform ? constant(row.transform) : undefined;
    const valueMap = row.valueMap ? constant(row.valueMap) : undefined;
    const tries = row.sources.map((source, j) => {
      const read = source.split('.').includes('*')
        ? `raw = ${constant(row.getters[j])}(event);`
        : pathCode(source, shared);
      const mapped = valueMap ? `mapValue(${valueMap}, raw)` : 'raw';
      const converted = transform ? `${transform}(${mapped})` : mapped;
      return `${read}\nif (${PRESENT}) { c = ${converted}; if (c !== undefined) { v${i} = c; break r${i}; } }`;
    });
    return `let v${i} = ${constant(row.fallback)};\nr${i}: {\n${tries.join('\n')}\n}`;
  });
  const body = [
    `const [${constants.map((_, k) => `K${k}`).join(', ')}] = constants;`,
    'return function read(event) {',
    'let raw, c;',
    ...prefixes,
    ...blocks,
    `return [${rows.map((_, i) => `v${i}`).join(', ')}${rows.length > 0 ? ', ' : ''}undefined];`,
    '};',
  ].join('\n');
  try {
    const factory = new Function('constants', 'mapValue', body) as (
      constants: unknown[],
      map: typeof mapValue,
    ) => RowReader;
    return factory(constants, mapValue);
  } catch {
    return interpretedReader(rows);
  }
}
