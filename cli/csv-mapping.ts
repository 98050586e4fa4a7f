import { createHash } from 'node:crypto';
import type { FieldError } from '../plugin/errors.js';
import { SchemaRegistry } from '../plugin/schemas/schema-registry.js';
import { parseOutsideJson, readOutsideText } from './outside-file.js';

/** How one CSV column becomes a value of the canonical event. */
export interface ColumnRule {
  path: string;
  type: 'string' | 'number' | 'date';
  decimal: '.' | ',';
  /** For dates: a pattern made of YYYY, MM, DD, HH, mm, ss and separators; ISO 8601 when absent. */
  format?: string;
}

/** A mapping file (schemas/upload-mapping.schema.json), checked and ready. */
export interface UploadMapping {
  event?: string;
  columns: Map<string, ColumnRule>;
  defaults: Record<string, string | number | boolean>;
}

/** A cell that cannot be read as its column says: the row is invalid, and the message names the column. */
export class CellError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

/** Made on the first mapping read: other commands load this module but never pay for its schemas. */
let registry: SchemaRegistry | undefined;
const mappingSchema = () =>
  (registry ??= new SchemaRegistry({ uploadMapping: 'schemas/upload-mapping.schema.json' }));

/** A mapping is a few columns; a file this large is not one. */
const MAX_MAPPING_BYTES = 1024 * 1024;
const MAPPING_FIX =
  'pass --mapping the JSON file that maps CSV columns to event paths (schemas/upload-mapping.schema.json)';

/**
 * The mapping file read, parsed and checked: the mapping and the text it was read from (a checkpoint holds its
 * hash), or the lines to print: one naming the file and what to do when it cannot be read or is not JSON,
 * one per field against the schema.
 */
export function readMappingFile(
  path: string,
): { mapping: UploadMapping; text: string } | { lines: string[] } {
  const read = readOutsideText(path, MAX_MAPPING_BYTES);
  if ('problem' in read) return { lines: [`mapping: ${read.problem}: ${MAPPING_FIX}`] };
  const parsed = parseOutsideJson(path, read.text);
  if ('problem' in parsed)
    return { lines: [`mapping: ${parsed.problem}: fix it (schemas/upload-mapping.schema.json)`] };
  const checked = readMapping(parsed.json);
  if ('errors' in checked)
    return { lines: ['Invalid input:', ...checked.errors.map((e) => `  ${e.field}: ${e.message}`)] };
  return { mapping: checked.mapping, text: read.text };
}

/** The mapping file's content checked against its schema: the mapping, or every problem with its field. */
export function readMapping(raw: unknown): { mapping: UploadMapping } | { errors: FieldError[] } {
  const errors = mappingSchema().validate('uploadMapping', raw, 'mapping');
  if (errors.length > 0) return { errors };
  const m = raw as {
    event?: string;
    columns: Record<string, string | Partial<ColumnRule>>;
    defaults?: Record<string, string | number | boolean>;
  };
  const columns = new Map<string, ColumnRule>();
  for (const [name, rule] of Object.entries(m.columns)) {
    const r = typeof rule === 'string' ? { path: rule } : rule;
    columns.set(name, {
      path: r.path!,
      type: r.type ?? 'string',
      decimal: r.decimal ?? '.',
      format: r.format,
    });
  }
  return { mapping: { event: m.event, columns, defaults: m.defaults ?? {} } };
}

/** Columns the mapping names that the CSV's header row does not have. */
export function missingColumns(mapping: UploadMapping, header: readonly string[]): string[] {
  const present = new Set(header);
  return [...mapping.columns.keys()].filter((c) => !present.has(c));
}

/**
 * One CSV row (by column name) → a canonical track event: the mapping's defaults, then each mapped non-empty
 * cell at its path. `event` (from --event) wins over the mapping's; a column mapped to `event` wins over both.
 * Throws CellError for a cell its rule cannot read.
 */
export function rowEvent(
  mapping: UploadMapping,
  row: Record<string, string>,
  event?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'track' };
  const name = event ?? mapping.event;
  if (name) out.event = name;
  for (const [path, value] of Object.entries(mapping.defaults)) setPath(out, path, value);
  for (const [column, rule] of mapping.columns) {
    const cell = row[column]?.trim();
    if (cell === undefined || cell === '') continue;
    setPath(out, rule.path, convert(cell, rule, column));
  }
  if (typeof out.event !== 'string' || out.event === '')
    throw new CellError(
      '',
      'no event name: pass --event, set "event" in the mapping, or map a column to event',
    );
  return out;
}

function convert(cell: string, rule: ColumnRule, column: string): string | number {
  if (rule.type === 'number') {
    const thousands = rule.decimal === ',' ? /[.\s']/g : /[,\s']/g;
    const text = cell.replace(thousands, '').replace(',', '.');
    if (!/^-?\d+(?:\.\d+)?$/.test(text))
      throw new CellError(
        column,
        `"${cell}" is not a number${rule.decimal === ',' ? ' with a decimal comma' : ''}`,
      );
    return Number(text);
  }
  if (rule.type === 'date') {
    const ms = rule.format ? parseWithFormat(cell, rule.format) : isoMs(cell);
    if (Number.isNaN(ms))
      throw new CellError(
        column,
        `"${cell}" is not a date in ${rule.format ?? 'ISO 8601 (2026-11-30T14:05:00Z)'}`,
      );
    return new Date(ms).toISOString();
  }
  return cell;
}

function isoMs(text: string): number {
  return /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? Date.parse(text)
    : NaN;
}

const TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;

/** A date in a format of YYYY, MM, DD, HH, mm, ss (UTC); NaN when it does not fit or names no real day. */
export function parseWithFormat(text: string, format: string): number {
  const order: string[] = [];
  const source = format.replace(/YYYY|MM|DD|HH|mm|ss|[^YMDHms]/g, (part) => {
    if ((TOKENS as readonly string[]).includes(part)) {
      order.push(part);
      return part === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})';
    }
    return part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  });
  const m = new RegExp(`^${source}$`).exec(text);
  if (!m) return NaN;
  const v: Record<string, number> = { YYYY: 0, MM: 1, DD: 1, HH: 0, mm: 0, ss: 0 };
  order.forEach((token, i) => (v[token] = Number(m[i + 1])));
  const ms = Date.UTC(v.YYYY!, v.MM! - 1, v.DD!, v.HH!, v.mm!, v.ss!);
  const d = new Date(ms);
  const real =
    d.getUTCFullYear() === v.YYYY &&
    d.getUTCMonth() === v.MM! - 1 &&
    d.getUTCDate() === v.DD &&
    v.HH! < 24 &&
    v.mm! < 60 &&
    v.ss! < 60;
  return real ? ms : NaN;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  parts.slice(0, -1).forEach((part, i) => {
    if (typeof node[part] !== 'object' || node[part] === null)
      node[part] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
    node = node[part] as Record<string, unknown>;
  });
  node[parts.at(-1)!] = value;
}

/**
 * The id of a row that carries none: a hash of the advertiser and the row's mapped content (keys sorted), so the
 * same row gives the same Amazon eventId on every run and a second upload adds nothing at Amazon.
 */
export function rowMessageId(advertiserId: string, event: Record<string, unknown>): string {
  return `row-${createHash('sha256')
    .update(`${advertiserId}\n${stable(event)}`)
    .digest('hex')
    .slice(0, 40)}`;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
