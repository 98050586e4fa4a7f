import type { SandboxRegion } from './accounts.js';

/**
 * The sandbox's own reading of Amazon's per-event rules, one row a rule, each with where Amazon says it. The
 * sandbox is the instrument the plugin is measured with, so nothing here comes from the plugin: a rule is
 * taken from `amazon-reference/openapi-events.json` (Amazon's OpenAPI) where it says it, else from Amazon's
 * other documents, and says so. `level: 'amazon'` rules always apply; `'strict'` ones (Amazon's server-side
 * tag, or the sandbox's inference where Amazon is silent) only with `tagRules`. docs/sandbox.md lists them.
 */
export interface EventRule {
  id: string;
  level: 'amazon' | 'strict';
  /** Where the rule comes from. */
  source: string;
  /** Reports each problem of one (schema-valid) event to `add`, with its path under the event. */
  check(ev: Event, env: RuleEnv, add: AddProblem): void;
}

export type AddProblem = (code: string, message: string, path: string) => void;

/**
 * What a rule may know beyond the event: the time now, the event's time parsed once (NaN when it does not
 * parse), and the region of the advertiser the events are for.
 */
export interface RuleEnv {
  now: number;
  eventTime: number;
  region: SandboxRegion | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = Record<string, any>;

const DAY_MS = 24 * 3600 * 1000;

/** EventCreate.matchKeys: every type but these is "normalized and hashed" (SHA-256). */
const RAW_KEY_TYPES = new Set(['MAID', 'RAMP_ID', 'MATCH_ID', 'REAL_ID', 'MERKLE_ID', 'KANTAR_ID', 'FIP']);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** CreateCustomData.name and .value: "Only letters, numbers and the underscore character are allowed." */
const LETTERS_DIGITS_UNDERSCORE = /^[A-Za-z0-9_]*$/;

/** DataType INTEGER: "32-bit signed integer data type". */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** The characters Amazon's server-side tag refuses in an event name (its field help text). */
const TAG_NAME_FORBIDDEN = new Set('!@#$%^&*|+=(){}[]<>?\\/~;');

/**
 * The countries whose events Amazon's server-side tag sends only with explicit consent (`template.tpl`, its
 * consent-country list and its own tests): the EU 27, Great Britain, Norway, Iceland, Liechtenstein.
 */
const TAG_CONSENT_COUNTRIES = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE GB NO IS LI'.split(' '),
);

const has = (v: unknown): boolean => v !== undefined && v !== null;

export const EVENT_RULES: readonly EventRule[] = [
  {
    id: 'event-time-parses',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.eventTime: format date-time; a bad time is a per-event BAD_REQUEST (GTMDOC troubleshooting.md)',
    check: (_ev, { eventTime }, add) => {
      if (!Number.isFinite(eventTime)) add('BAD_REQUEST', 'Invalid eventTime', '.eventTime');
    },
  },
  {
    id: 'event-age-21-days',
    level: 'amazon',
    source:
      "Amazon's tag documentation (GTMDOC using-the-template.md, the tag's help text): events at most 21 days old; not in the OpenAPI",
    check: (_ev, { now, eventTime }, add) => {
      if (now - eventTime > 21 * DAY_MS)
        add('FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is older than 21 days', '.eventTime');
    },
  },
  {
    id: 'event-time-not-future',
    level: 'strict',
    source:
      'Unknown: no Amazon document says whether a future eventTime is refused; the sandbox allows 10 minutes of clock skew',
    check: (_ev, { now, eventTime }, add) => {
      if (eventTime - now > 10 * 60_000)
        add('FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is in the future', '.eventTime');
    },
  },
  {
    id: 'event-name-length',
    level: 'amazon',
    source: 'DSP Conversion Builder: names of 1 to 256 characters (the OpenAPI gives no bound)',
    check: (ev, _env, add) => {
      const n = (ev.eventDescription.name as string).length;
      if (n < 1 || n > 256)
        add('FIELD_VALUE_CONTAINS_INVALID_CHARACTERS', 'Invalid event name', '.eventDescription.name');
    },
  },
  {
    id: 'event-name-characters',
    level: 'strict',
    source:
      "Amazon's server-side tag, field help text: none of !@#$%^&*|+=(){}[]<>?\\/~; (the API states no such rule)",
    check: (ev, _env, add) => {
      const name = ev.eventDescription.name as string;
      for (let i = 0; i < name.length; i++)
        if (TAG_NAME_FORBIDDEN.has(name[i]!))
          return add(
            'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
            'Invalid event name',
            '.eventDescription.name',
          );
    },
  },
  {
    id: 'data-set-name-whole',
    level: 'strict',
    source:
      'OpenAPI CreateEventDescription.dataSetName pattern [A-Za-z][A-Za-z0-9_-]*, which JSON Schema does not anchor (the schema check applies it as written); read as anchoring the whole name here',
    check: (ev, _env, add) => {
      const name = ev.eventDescription.dataSetName;
      if (typeof name === 'string' && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
        add(
          'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
          'Invalid dataSetName',
          '.eventDescription.dataSetName',
        );
    },
  },
  {
    id: 'match-keys-hashed',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.matchKeys and CreateMatchKey: PII keys normalized and SHA-256 hashed, all but MAID, RAMP_ID, MATCH_ID, REAL_ID, MERKLE_ID, KANTAR_ID and FIP; a lowercase hex digest as every example gives it',
    check: (ev, _env, add) =>
      (ev.matchKeys as MatchKey[]).forEach((key, i) => {
        if (!RAW_KEY_TYPES.has(key.type) && !SHA256_HEX.test(key.values[0] ?? ''))
          add(
            'FIELD_VALUE_IS_INVALID',
            `${key.type} must be a lowercase SHA-256 hex digest`,
            `.matchKeys[${i}].values[0]`,
          );
      }),
  },
  {
    id: 'raw-match-key-present',
    level: 'amazon',
    source:
      'Inferred: a raw identifier (MAID, …) with no characters or over 256 identifies no one (no Amazon bound stated)',
    check: (ev, _env, add) =>
      (ev.matchKeys as MatchKey[]).forEach((key, i) => {
        const value = key.values[0] ?? '';
        if (RAW_KEY_TYPES.has(key.type) && (value.trim() === '' || value.length > 256))
          add(
            'FIELD_VALUE_IS_INVALID',
            `${key.type} value is empty or too long`,
            `.matchKeys[${i}].values[0]`,
          );
      }),
  },
  {
    id: 'value-two-decimals',
    level: 'amazon',
    source: 'OpenAPI EventCreate.value: "max 2 decimals"',
    check: (ev, _env, add) => {
      if (has(ev.value) && Math.round(ev.value * 100) / 100 !== ev.value)
        add('FIELD_VALUE_IS_INVALID', 'value has more than 2 decimals', '.value');
    },
  },
  {
    id: 'purchase-value-not-negative',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.value: for OFF_AMAZON_PURCHASES a monetary value, "min 0"; other types "can be negative"',
    check: (ev, _env, add) => {
      if (isPurchase(ev) && has(ev.value) && ev.value < 0)
        add('FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'value must not be negative', '.value');
    },
  },
  {
    id: 'purchase-value-currency',
    level: 'strict',
    source:
      "Amazon's server-side tag refuses a purchase value without currency; the OpenAPI makes currencyCode optional",
    check: (ev, _env, add) => {
      if (isPurchase(ev) && has(ev.value) && !has(ev.currencyCode))
        add('FIELD_VALUE_IS_NULL', 'currencyCode is required with a purchase value', '.currencyCode');
    },
  },
  {
    id: 'purchase-only-fields',
    level: 'strict',
    source:
      'OpenAPI EventCreate.unitsSold: "Only applicable for OFF_AMAZON_PURCHASES"; Amazon\'s tag sends currency and units on purchases only; the API states no refusal',
    check: (ev, _env, add) => {
      if (isPurchase(ev)) return;
      for (const field of ['currencyCode', 'unitsSold'])
        if (has(ev[field]))
          add(
            'FIELD_VALUE_MUST_BE_EMPTY_OR_NULL',
            `${field} applies to OFF_AMAZON_PURCHASES only`,
            `.${field}`,
          );
    },
  },
  {
    id: 'units-sold-positive',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.unitsSold: "The number of items purchased", default 1 (no minimum stated; fewer than 1 item is no purchase)',
    check: (ev, _env, add) => {
      if (has(ev.unitsSold) && ev.unitsSold < 1)
        add('FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'unitsSold must be positive', '.unitsSold');
    },
  },
  {
    id: 'custom-data-characters',
    level: 'amazon',
    source:
      'OpenAPI CreateCustomData.name and .value: "Only letters, numbers and the underscore character are allowed"',
    check: (ev, _env, add) =>
      customData(ev).forEach((d, i) => {
        if (!LETTERS_DIGITS_UNDERSCORE.test(d.name) || !LETTERS_DIGITS_UNDERSCORE.test(d.value))
          add(
            'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
            'customData allows letters, digits and _ only',
            `.customData[${i}]`,
          );
      }),
  },
  {
    id: 'custom-data-int32',
    level: 'amazon',
    source: 'OpenAPI DataType: INTEGER is a "32-bit signed integer data type"',
    check: (ev, _env, add) =>
      customData(ev).forEach((d, i) => {
        if (d.dataType !== 'INTEGER' || !LETTERS_DIGITS_UNDERSCORE.test(d.value)) return;
        const n = /^[0-9]{1,10}$/.test(d.value) ? Number(d.value) : NaN;
        if (!(n >= INT32.min && n <= INT32.max))
          add(
            'FIELD_VALUE_IS_INVALID',
            'An INTEGER customData value must be a 32-bit integer',
            `.customData[${i}]`,
          );
      }),
  },
  {
    id: 'user-agent-512',
    level: 'amazon',
    source: 'OpenAPI CreateDeviceInfo.userAgent: "Max 512 characters"',
    check: (ev, _env, add) => {
      if ((ev.deviceInfo?.userAgent?.length ?? 0) > 512)
        add(
          'FIELD_SIZE_IS_ABOVE_MAXIMUM_LIMIT',
          'userAgent is longer than 512 characters',
          '.deviceInfo.userAgent',
        );
    },
  },
  {
    id: 'eu-advertiser-consent',
    level: 'amazon',
    source:
      'OpenAPI CreateConsent: "For EU advertisers, it is required to provide one of geo, amazonConsent, tcf, or gpp" (an advertiser on the EU host)',
    check: (ev, { region }, add) => {
      const c = ev.consent ?? {};
      if (region === 'EU' && !has(c.geo) && !has(c.amazonConsent) && !has(c.tcf) && !has(c.gpp))
        add(
          'FIELD_VALUE_IS_NULL',
          'consent is required for EU advertisers: one of geo, amazonConsent, tcf, gpp',
          '.consent',
        );
    },
  },
  {
    id: 'consent-country-explicit',
    level: 'strict',
    source:
      "Amazon's server-side tag (template.tpl and its tests): events from the EU 27, GB, NO, IS and LI are sent only with the user's consent (Amazon consent, TCF or GPP), on any region; the IP (geo) is not consent",
    check: (ev, _env, add) => {
      const c = ev.consent ?? {};
      if (TAG_CONSENT_COUNTRIES.has(ev.countryCode) && !has(c.amazonConsent) && !has(c.tcf) && !has(c.gpp))
        add(
          'FIELD_VALUE_IS_NULL',
          'consent (amazonConsent, tcf or gpp) is required for events from the EU, EEA and UK',
          '.consent',
        );
    },
  },
];

/** The rules of each level: Amazon's own, and those with the strict ones too. */
export const RULES_BY_STRICTNESS = {
  amazon: EVENT_RULES.filter((rule) => rule.level === 'amazon'),
  strict: EVENT_RULES,
} as const;

type MatchKey = { type: string; values: string[] };

function isPurchase(ev: Event): boolean {
  return ev.eventDescription.conversionType === 'OFF_AMAZON_PURCHASES';
}

function customData(ev: Event): Array<{ name: string; value: string; dataType?: string }> {
  return (ev.customData as Array<{ name: string; value: string; dataType?: string }> | undefined) ?? [];
}
