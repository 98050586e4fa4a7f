import type { CompiledRow, EntryReader, EntryRows } from '../model.js';
import { FIELD_NAMES } from '../model.js';
import { segmentsOf, type Segment } from '../paths.js';
import { mapValue, readRows, resolveRow } from '../read-row.js';

/** The interpreted reader: every row read one by one (`read-row.ts`), the definition. */
export function interpretedReader(rows: EntryRows): EntryReader {
  return (event) => readRows(rows, event);
}

/** `isPresent(raw)` of read-row.ts written out for generated code, so the check costs no call. */
const PRESENT =
  "raw !== undefined && raw !== null && (typeof raw === 'string' ? raw.length > 0 && ((raw.charCodeAt(0) > 32 && raw.charCodeAt(0) < 0xa0) || raw.trim() !== '') : !(Array.isArray(raw) && raw.length === 0))";

/** One step of a path read from `from`, as an expression; the key written as a JSON string literal. */
function stepCode(from: string, { key, index }: Segment): string {
  const item = index >= 0 ? `${from}[${index}]` : 'undefined';
  return `(${from} !== null && typeof ${from} === 'object' ? (Array.isArray(${from}) ? ${item} : ${from}[${JSON.stringify(key)}]) : undefined)`;
}

/**
 * The objects on the way to each row's first source (`context`, `traits.address`, …), named once so that
 * every source starts from the longest of them it lies under. Reading a key of event data twice gives the same
 * value, so this changes no answer; it saves reading `event.context` for each of a dozen rows.
 */
function sharedPrefixes(rows: readonly CompiledRow[]): Map<string, string> {
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

/** Statements that read a dotted path without `*` into `raw`, from the longest shared prefix it lies under. */
function pathCode(path: string, shared: Map<string, string>): string {
  const keys = path.split('.');
  let from = 'event';
  let rest = segmentsOf(path);
  for (let n = keys.length - 1; n > 0; n--) {
    const name = shared.get(keys.slice(0, n).join('.'));
    if (name) {
      from = name;
      rest = segmentsOf(keys.slice(n).join('.'));
      break;
    }
  }
  return [`raw = ${from};`, ...rest.map((segment) => `raw = ${stepCode('raw', segment)};`)].join('\n');
}

/**
 * The rows of an entry compiled to one JavaScript function, as ajv compiles a schema: every property read and
 * every call gets a code site of its own, so V8 keeps them monomorphic and inlines the value transforms, where
 * one interpreting loop over all rows turns megamorphic (about twice the time per event). It returns the same
 * named values as the interpreter, in an object of one fixed shape. Only paths checked by the blueprint schema
 * reach here, and every key is written as a JSON string literal, so no text of a blueprint becomes code. Where
 * code generation is disabled (`--disallow-code-generation-from-strings`), the interpreter is used.
 */
export function compiledReader(rows: EntryRows): EntryReader {
  const constants: unknown[] = [];
  const constant = (value: unknown): string => `K${constants.push(value) - 1}`;
  const all = [
    ...FIELD_NAMES.flatMap((name) => rows.fields[name] ?? []),
    ...rows.matchKeys,
    ...rows.customData,
  ];
  const variable = new Map(all.map((row, i) => [row, `v${i}`]));
  const shared = sharedPrefixes(all);
  // Each prefix is one step from its parent prefix (every shorter prefix of a wanted one is wanted too).
  const prefixes = [...shared].map(([prefix, name]) => {
    const segments = segmentsOf(prefix);
    const parent = shared.get(prefix.slice(0, prefix.lastIndexOf('.'))) ?? 'event';
    return `const ${name} = ${stepCode(parent, segments[segments.length - 1]!)};`;
  });
  const blocks = all.map((row, i) => {
    if (row.literal !== undefined) return `const v${i} = ${constant(resolveRow(row, {}))};`;
    const rowTransform = row.transform ? constant(row.transform) : undefined;
    const valueMap = row.valueMap ? constant(row.valueMap) : undefined;
    const tries = row.sources.map((source, j) => {
      const own = row.sourceTransforms?.[j];
      const transform = row.sourceTransforms ? (own ? constant(own) : undefined) : rowTransform;
      const read = source.split('.').includes('*')
        ? `raw = ${constant(row.getters[j])}(event);`
        : pathCode(source, shared);
      const mapped = valueMap ? `mapValue(${valueMap}, raw)` : 'raw';
      const converted = transform ? `${transform}(${mapped})` : mapped;
      return `${read}\nif (${PRESENT}) { c = ${converted}; if (c !== undefined) { v${i} = c; break r${i}; } }`;
    });
    return `let v${i} = ${constant(row.fallback)};\nr${i}: {\n${tries.join('\n')}\n}`;
  });
  const valueOf = (row: CompiledRow | undefined) => (row ? variable.get(row)! : 'undefined');
  const body = [
    `const [${constants.map((_, k) => `K${k}`).join(', ')}] = constants;`,
    'return function read(event) {',
    'let raw, c;',
    ...prefixes,
    ...blocks,
    'return {',
    `fields: { ${FIELD_NAMES.map((name) => `${name}: ${valueOf(rows.fields[name])}`).join(', ')} },`,
    `matchKeys: [${rows.matchKeys.map(valueOf).join(', ')}],`,
    `customData: [${rows.customData.map(valueOf).join(', ')}],`,
    '};',
    '};',
  ].join('\n');
  try {
    const factory = new Function('constants', 'mapValue', body) as (
      constants: unknown[],
      map: typeof mapValue,
    ) => EntryReader;
    return factory(constants, mapValue);
  } catch {
    return interpretedReader(rows);
  }
}
