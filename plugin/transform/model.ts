/**
 * The transform's vocabulary, at the bottom of its imports: what a blueprint is (data), what it compiles to,
 * and the named values an entry's reader gives for one event. Nothing here runs; every other transform file
 * imports from here, and this file imports only Amazon's types.
 */
import type { AmazonEvent, ConversionType, MatchKeyType } from '../amazon/event-types.js';
import type { InvalidCode, TransformResult } from '../contracts.js';

export type Scalar = string | number | boolean;

/** One mapping row of a blueprint (schemas/blueprint.schema.json#/definitions/mapping). */
export interface MappingRow {
  source?: string | string[];
  value?: Scalar;
  default?: Scalar;
  target: string;
  /**
   * The named transform (`VALUE_TRANSFORMS`) of every source, or one per source named (the others taken as they
   * are), for a row whose sources need different readings (an address country and a locale).
   */
  transform?: string | Record<string, string>;
  value_map?: Record<string, Scalar>;
  /** For a customData target: the dataType Amazon is sent (else decided by the value). */
  data_type?: CustomDataType;
  /**
   * Text put before a value read from a source, after its transform (`lead:` → `lead:1001`): one text for every
   * source, or a text per source named (the others sent as they are).
   */
  prefix?: string | Record<string, string>;
}

/** Amazon's customData data types (SPEC CreateCustomData; INTEGER is 32-bit). */
export type CustomDataType = 'STRING' | 'INTEGER' | 'TIMESTAMP';

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

/**
 * The Amazon fields a blueprint row can set besides match keys and customData: the name each value travels
 * under, and the row `target` that sets it (the blueprint schema's `target` pattern lists the same targets; a
 * test keeps them in step). A new field starts here: the type checker then asks for it in `build-event.ts`.
 */
export const FIELDS = {
  eventSource: 'eventDescription.eventSource',
  eventTime: 'eventTime',
  countryCode: 'countryCode',
  eventId: 'eventId',
  value: 'value',
  currencyCode: 'currencyCode',
  unitsSold: 'unitsSold',
  userAgent: 'deviceInfo.userAgent',
  amazonAdEventKey: 'amazonAdEventKey',
  arefMeasurementTokens: 'arefMeasurementTokens',
  partner: 'partner',
} as const;
export type FieldName = keyof typeof FIELDS;
export type FieldTarget = (typeof FIELDS)[FieldName];
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
export const FIELD_TARGETS: readonly FieldTarget[] = Object.values(FIELDS);

/** A value transform a blueprint row may name: raw value in, converted value out (undefined: cannot convert). */
export type ValueTransform = (value: unknown) => unknown;

/** Reads one value from an event by a compiled dotted path; `*` collects a value from every array item. */
export type Getter = (root: unknown) => unknown;

/** One match key type's preparation: raw value and the event's country in, what Amazon receives out. */
export type MatchKeyPreparer = (raw: string, country: string) => string | undefined;

/** A mapping row made ready to run: paths compiled, transform looked up. */
export interface CompiledRow {
  target: string;
  sources: string[];
  getters: Getter[];
  literal?: Scalar;
  fallback?: Scalar;
  transform?: ValueTransform;
  /**
   * When sources convert differently (a transform or a prefix per source): source `i`'s transform, replacing
   * `transform`.
   */
  sourceTransforms?: ReadonlyArray<ValueTransform | undefined>;
  valueMap?: Map<string, Scalar>;
}

/** A row that sets a match key: its type, and the normalise-and-hash step (or check, for raw ids) of that type. */
export interface MatchKeyRow extends CompiledRow {
  type: MatchKeyType;
  prepare: MatchKeyPreparer;
}

/** A row that sets one customData entry. */
export interface CustomDataRow extends CompiledRow {
  name: string;
  /** What the blueprint says its value is; undefined: a whole number in range is INTEGER, anything else STRING. */
  dataType?: CustomDataType;
}

/** An entry's rows by what they set: at most one row per field, match key and customData rows in order. */
export interface EntryRows {
  fields: { readonly [K in FieldName]?: CompiledRow };
  matchKeys: readonly MatchKeyRow[];
  customData: readonly CustomDataRow[];
}

/** Each field's value for one event (undefined where no row sets it or no source gave a value). */
export type FieldValues = { [K in FieldName]: unknown };

/**
 * What an entry's reader gives for one event: every row's value, by name. `matchKeys[i]` is the value of
 * `rows.matchKeys[i]`, `customData[i]` of `rows.customData[i]`.
 */
export interface EntryValues {
  fields: FieldValues;
  matchKeys: unknown[];
  customData: unknown[];
}

export type EntryReader = (event: Record<string, unknown>) => EntryValues;

/** An event's match keys from its match key values and its country: the first value of each type, prepared. */
export type MatchKeyBuilder = (values: readonly unknown[], country: string) => AmazonEvent['matchKeys'];

export interface CompiledEntry {
  key: string;
  vendorEventName: string;
  conversionType: ConversionType;
  enabled: boolean;
  /** Set when the entry itself breaks one of Amazon's rules (`entryProblem`): each of its events is this. */
  problem?: InvalidResult;
  /** The row setting each field (the event's own row replaces the global one), the match key and customData rows. */
  rows: EntryRows;
  read: EntryReader;
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

export type InvalidResult = Extract<TransformResult, { status: 'invalid' }>;
export type FilteredResult = Extract<TransformResult, { status: 'filtered' }>;

/** An `invalid` result: the code, the message saying what to fix and, when there is one, the field. */
export const invalid = (code: InvalidCode, message: string, field?: string): InvalidResult => ({
  status: 'invalid',
  error: { code, message, ...(field ? { field } : {}) },
});
