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
  /** The problems of one event (schema-valid) as `[code, message, path under the event]`. */
  check(ev: Event, env: RuleEnv): Problem[];
}

export type Problem = [code: string, message: string, path: string];

/** What a rule may know beyond the event: the time, and the region of the advertiser the events are for. */
export interface RuleEnv {
  now: number;
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
    check: (ev) =>
      Number.isFinite(Date.parse(ev.eventTime)) ? [] : [['BAD_REQUEST', 'Invalid eventTime', '.eventTime']],
  },
  {
    id: 'event-age-21-days',
    level: 'amazon',
    source:
      "Amazon's tag documentation (GTMDOC using-the-template.md, the tag's help text): events at most 21 days old; not in the OpenAPI",
    check: (ev, { now }) =>
      now - Date.parse(ev.eventTime) > 21 * DAY_MS
        ? [['FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is older than 21 days', '.eventTime']]
        : [],
  },
  {
    id: 'event-time-not-future',
    level: 'strict',
    source:
      'Unknown: no Amazon document says whether a future eventTime is refused; the sandbox allows 10 minutes of clock skew',
    check: (ev, { now }) =>
      Date.parse(ev.eventTime) - now > 10 * 60_000
        ? [['FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is in the future', '.eventTime']]
        : [],
  },
  {
    id: 'event-name-length',
    level: 'amazon',
    source: 'DSP Conversion Builder: names of 1 to 256 characters (the OpenAPI gives no bound)',
    check: (ev) => {
      const n = (ev.eventDescription.name as string).length;
      return n < 1 || n > 256
        ? [['FIELD_VALUE_CONTAINS_INVALID_CHARACTERS', 'Invalid event name', '.eventDescription.name']]
        : [];
    },
  },
  {
    id: 'event-name-characters',
    level: 'strict',
    source:
      "Amazon's server-side tag, field help text: none of !@#$%^&*|+=(){}[]<>?\\/~; (the API states no such rule)",
    check: (ev) =>
      [...(ev.eventDescription.name as string)].some((c) => TAG_NAME_FORBIDDEN.has(c))
        ? [['FIELD_VALUE_CONTAINS_INVALID_CHARACTERS', 'Invalid event name', '.eventDescription.name']]
        : [],
  },
  {
    id: 'data-set-name-whole',
    level: 'strict',
    source:
      'OpenAPI CreateEventDescription.dataSetName pattern [A-Za-z][A-Za-z0-9_-]*, which JSON Schema does not anchor (the schema check applies it as written); read as anchoring the whole name here',
    check: (ev) => {
      const name = ev.eventDescription.dataSetName;
      return typeof name === 'string' && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)
        ? [
            [
              'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
              'Invalid dataSetName',
              '.eventDescription.dataSetName',
            ],
          ]
        : [];
    },
  },
  {
    id: 'match-keys-hashed',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.matchKeys and CreateMatchKey: PII keys normalized and SHA-256 hashed, all but MAID, RAMP_ID, MATCH_ID, REAL_ID, MERKLE_ID, KANTAR_ID and FIP; a lowercase hex digest as every example gives it',
    check: (ev) =>
      (ev.matchKeys as Array<{ type: string; values: string[] }>).flatMap((key, i): Problem[] =>
        !RAW_KEY_TYPES.has(key.type) && !SHA256_HEX.test(key.values[0] ?? '')
          ? [
              [
                'FIELD_VALUE_IS_INVALID',
                `${key.type} must be a lowercase SHA-256 hex digest`,
                `.matchKeys[${i}].values[0]`,
              ],
            ]
          : [],
      ),
  },
  {
    id: 'raw-match-key-present',
    level: 'amazon',
    source:
      'Inferred: a raw identifier (MAID, …) with no characters or over 256 identifies no one (no Amazon bound stated)',
    check: (ev) =>
      (ev.matchKeys as Array<{ type: string; values: string[] }>).flatMap((key, i): Problem[] => {
        const value = key.values[0] ?? '';
        return RAW_KEY_TYPES.has(key.type) && (value.trim() === '' || value.length > 256)
          ? [
              [
                'FIELD_VALUE_IS_INVALID',
                `${key.type} value is empty or too long`,
                `.matchKeys[${i}].values[0]`,
              ],
            ]
          : [];
      }),
  },
  {
    id: 'value-two-decimals',
    level: 'amazon',
    source: 'OpenAPI EventCreate.value: "max 2 decimals"',
    check: (ev) =>
      has(ev.value) && Math.round(ev.value * 100) / 100 !== ev.value
        ? [['FIELD_VALUE_IS_INVALID', 'value has more than 2 decimals', '.value']]
        : [],
  },
  {
    id: 'purchase-value-not-negative',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.value: for OFF_AMAZON_PURCHASES a monetary value, "min 0"; other types "can be negative"',
    check: (ev) =>
      isPurchase(ev) && has(ev.value) && ev.value < 0
        ? [['FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'value must not be negative', '.value']]
        : [],
  },
  {
    id: 'purchase-value-currency',
    level: 'strict',
    source:
      "Amazon's server-side tag refuses a purchase value without currency; the OpenAPI makes currencyCode optional",
    check: (ev) =>
      isPurchase(ev) && has(ev.value) && !has(ev.currencyCode)
        ? [['FIELD_VALUE_IS_NULL', 'currencyCode is required with a purchase value', '.currencyCode']]
        : [],
  },
  {
    id: 'purchase-only-fields',
    level: 'strict',
    source:
      'OpenAPI EventCreate.unitsSold: "Only applicable for OFF_AMAZON_PURCHASES"; Amazon\'s tag sends currency and units on purchases only; the API states no refusal',
    check: (ev) =>
      isPurchase(ev)
        ? []
        : (['currencyCode', 'unitsSold'] as const).flatMap((f): Problem[] =>
            has(ev[f])
              ? [['FIELD_VALUE_MUST_BE_EMPTY_OR_NULL', `${f} applies to OFF_AMAZON_PURCHASES only`, `.${f}`]]
              : [],
          ),
  },
  {
    id: 'units-sold-positive',
    level: 'amazon',
    source:
      'OpenAPI EventCreate.unitsSold: "The number of items purchased", default 1 (no minimum stated; fewer than 1 item is no purchase)',
    check: (ev) =>
      has(ev.unitsSold) && ev.unitsSold < 1
        ? [['FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'unitsSold must be positive', '.unitsSold']]
        : [],
  },
  {
    id: 'custom-data-characters',
    level: 'amazon',
    source:
      'OpenAPI CreateCustomData.name and .value: "Only letters, numbers and the underscore character are allowed"',
    check: (ev) =>
      customData(ev).flatMap((d, i): Problem[] =>
        LETTERS_DIGITS_UNDERSCORE.test(d.name) && LETTERS_DIGITS_UNDERSCORE.test(d.value)
          ? []
          : [
              [
                'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
                'customData allows letters, digits and _ only',
                `.customData[${i}]`,
              ],
            ],
      ),
  },
  {
    id: 'custom-data-int32',
    level: 'amazon',
    source: 'OpenAPI DataType: INTEGER is a "32-bit signed integer data type"',
    check: (ev) =>
      customData(ev).flatMap((d, i): Problem[] => {
        if (d.dataType !== 'INTEGER' || !LETTERS_DIGITS_UNDERSCORE.test(d.value)) return [];
        const n = /^[0-9]{1,10}$/.test(d.value) ? Number(d.value) : NaN;
        return n >= INT32.min && n <= INT32.max
          ? []
          : [
              [
                'FIELD_VALUE_IS_INVALID',
                'An INTEGER customData value must be a 32-bit integer',
                `.customData[${i}]`,
              ],
            ];
      }),
  },
  {
    id: 'user-agent-512',
    level: 'amazon',
    source: 'OpenAPI CreateDeviceInfo.userAgent: "Max 512 characters"',
    check: (ev) =>
      (ev.deviceInfo?.userAgent?.length ?? 0) > 512
        ? [
            [
              'FIELD_SIZE_IS_ABOVE_MAXIMUM_LIMIT',
              'userAgent is longer than 512 characters',
              '.deviceInfo.userAgent',
            ],
          ]
        : [],
  },
  {
    id: 'eu-advertiser-consent',
    level: 'amazon',
    source:
      'OpenAPI CreateConsent: "For EU advertisers, it is required to provide one of geo, amazonConsent, tcf, or gpp" (an advertiser on the EU host)',
    check: (ev, { region }) => {
      const c = ev.consent ?? {};
      return region === 'EU' && !has(c.geo) && !has(c.amazonConsent) && !has(c.tcf) && !has(c.gpp)
        ? [
            [
              'FIELD_VALUE_IS_NULL',
              'consent is required for EU advertisers: one of geo, amazonConsent, tcf, gpp',
              '.consent',
            ],
          ]
        : [];
    },
  },
  {
    id: 'consent-country-explicit',
    level: 'strict',
    source:
      "Amazon's server-side tag (template.tpl and its tests): events from the EU 27, GB, NO, IS and LI are sent only with the user's consent (Amazon consent, TCF or GPP), on any region; the IP (geo) is not consent",
    check: (ev) => {
      const c = ev.consent ?? {};
      return TAG_CONSENT_COUNTRIES.has(ev.countryCode) && !has(c.amazonConsent) && !has(c.tcf) && !has(c.gpp)
        ? [
            [
              'FIELD_VALUE_IS_NULL',
              'consent (amazonConsent, tcf or gpp) is required for events from the EU, EEA and UK',
              '.consent',
            ],
          ]
        : [];
    },
  },
];

function isPurchase(ev: Event): boolean {
  return ev.eventDescription.conversionType === 'OFF_AMAZON_PURCHASES';
}

function customData(ev: Event): Array<{ name: string; value: string; dataType?: string }> {
  return (ev.customData as Array<{ name: string; value: string; dataType?: string }> | undefined) ?? [];
}
