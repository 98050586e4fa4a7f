import { openApiValidator } from './openapi.js';

/** One per-event error, as Amazon's 207 lists it. */
export interface SandboxEventError {
  code: string;
  message: string;
  fieldLocation?: string;
}

const HASHED_TYPES = new Set([
  'EMAIL',
  'PHONE',
  'FIRST_NAME',
  'LAST_NAME',
  'ADDRESS',
  'CITY',
  'STATE',
  'POSTAL',
]);
// Amazon's side of the rule (GTM: EEA, GB, NO, IS, LI), kept apart from the plugin's own consent policy on purpose:
// the sandbox plays Amazon and must catch the plugin's mistakes, not share them.
const EU_CONSENT_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
  'GB',
  'OTHER_EEA',
]);
const MAX_AGE_MS = 21 * 24 * 3600 * 1000;
const MAX_FUTURE_MS = 10 * 60 * 1000;
const NAME_FORBIDDEN = /[!@#$%^&*|+=(){}[\]<>?\\/~;]/;
const CUSTOM_DATA_CHARS = /^[A-Za-z0-9_]+$/;
const DATA_SET_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Amazon's per-event rules (events-api.md §3–4): the OpenAPI `EventCreate` schema first, then the rules Amazon
 * states that the schema cannot say. Empty when the event is accepted. With `tagRules`, also the stricter
 * checks of Amazon's server-side GTM tag and the project's own inferences, which Amazon does not state for the
 * API: a plugin must not come to depend on them.
 */
export function validateEvent(
  event: unknown,
  index: number,
  now: number,
  tagRules = false,
): SandboxEventError[] {
  const at = (path: string): string => `events[${index}]${path}`;
  const schema = openApiValidator('EventCreate');
  if (!schema(event)) {
    return (schema.errors ?? []).slice(0, 20).map((e) => ({
      code: e.keyword === 'required' ? 'FIELD_VALUE_IS_NULL' : 'FIELD_VALUE_IS_INVALID',
      message: `${e.instancePath || 'event'} ${e.message ?? 'is invalid'}`,
      fieldLocation: at(e.instancePath.replace(/\//g, '.')),
    }));
  }
  const ev = event as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const errors: SandboxEventError[] = [];
  const add = (code: string, message: string, path: string): void => {
    errors.push({ code, message, fieldLocation: at(path) });
  };

  const time = Date.parse(ev.eventTime);
  if (!Number.isFinite(time)) add('BAD_REQUEST', 'Invalid eventTime', '.eventTime');
  else if (now - time > MAX_AGE_MS)
    add('FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is older than 21 days', '.eventTime');
  // Whether Amazon refuses future times is unknown (events-api.md §3.4, §11): a tag rule here.
  else if (tagRules && time - now > MAX_FUTURE_MS)
    add('FIELD_VALUE_IS_OUT_OF_RANGE', 'eventTime is in the future', '.eventTime');

  const name: string = ev.eventDescription.name;
  // 1–256 characters: DSPCB; the forbidden characters are the GTM tag's (events-api.md, eventDescription).
  if (name.length < 1 || name.length > 256 || (tagRules && NAME_FORBIDDEN.test(name))) {
    add('FIELD_VALUE_CONTAINS_INVALID_CHARACTERS', 'Invalid event name', '.eventDescription.name');
  }
  const dataSetName = ev.eventDescription.dataSetName;
  if (dataSetName !== undefined && !DATA_SET_NAME.test(dataSetName)) {
    add('FIELD_VALUE_CONTAINS_INVALID_CHARACTERS', 'Invalid dataSetName', '.eventDescription.dataSetName');
  }

  (ev.matchKeys as Array<{ type: string; values: string[] }>).forEach((key, i) => {
    const value = key.values[0] ?? '';
    if (HASHED_TYPES.has(key.type) && !/^[0-9a-f]{64}$/.test(value)) {
      add(
        'FIELD_VALUE_IS_INVALID',
        `${key.type} must be a lowercase SHA-256 hex digest`,
        `.matchKeys[${i}].values[0]`,
      );
    } else if (!HASHED_TYPES.has(key.type) && (value.trim() === '' || value.length > 256)) {
      add('FIELD_VALUE_IS_INVALID', `${key.type} value is empty or too long`, `.matchKeys[${i}].values[0]`);
    }
  });

  const purchase = ev.eventDescription.conversionType === 'OFF_AMAZON_PURCHASES';
  if (ev.value !== undefined) {
    if (Math.round(ev.value * 100) / 100 !== ev.value)
      add('FIELD_VALUE_IS_INVALID', 'value has more than 2 decimals', '.value');
    // SPEC: a purchase value is money, ≥ 0.
    if (purchase && ev.value < 0)
      add('FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'value must not be negative', '.value');
    // The GTM tag refuses a purchase value without currency; SPEC makes currencyCode optional.
    if (tagRules && purchase && ev.currencyCode === undefined)
      add('FIELD_VALUE_IS_NULL', 'currencyCode is required with a purchase value', '.currencyCode');
  }
  // SEG and the GTM tag send these on purchases only; SPEC does not refuse them elsewhere.
  if (tagRules && !purchase && ev.currencyCode !== undefined)
    add(
      'FIELD_VALUE_MUST_BE_EMPTY_OR_NULL',
      'currencyCode applies to OFF_AMAZON_PURCHASES only',
      '.currencyCode',
    );
  if (tagRules && !purchase && ev.unitsSold !== undefined)
    add('FIELD_VALUE_MUST_BE_EMPTY_OR_NULL', 'unitsSold applies to OFF_AMAZON_PURCHASES only', '.unitsSold');
  if (ev.unitsSold !== undefined && ev.unitsSold < 1)
    add('FIELD_VALUE_IS_BELOW_MINIMUM_LIMIT', 'unitsSold must be positive', '.unitsSold');

  (ev.customData as Array<{ name: string; value: string; dataType?: string }> | undefined)?.forEach(
    (d, i) => {
      if (!CUSTOM_DATA_CHARS.test(d.name) || !CUSTOM_DATA_CHARS.test(d.value)) {
        add(
          'FIELD_VALUE_CONTAINS_INVALID_CHARACTERS',
          'customData allows letters, digits and _ only',
          `.customData[${i}]`,
        );
      } else if (d.dataType === 'INTEGER' && !(/^\d+$/.test(d.value) && Number(d.value) <= 2_147_483_647)) {
        // SPEC CreateCustomData: INTEGER is a 32-bit integer (events-api.md §3.6).
        add(
          'FIELD_VALUE_IS_INVALID',
          'An INTEGER customData value must be a 32-bit integer',
          `.customData[${i}]`,
        );
      }
    },
  );
  if ((ev.deviceInfo?.userAgent?.length ?? 0) > 512)
    add(
      'FIELD_SIZE_IS_ABOVE_MAXIMUM_LIMIT',
      'userAgent is longer than 512 characters',
      '.deviceInfo.userAgent',
    );

  if (EU_CONSENT_COUNTRIES.has(ev.countryCode)) {
    const c = ev.consent ?? {};
    if (!c.geo && !c.amazonConsent && !c.tcf && !c.gpp) {
      add('FIELD_VALUE_IS_NULL', 'consent is required for events from the EU, EEA and UK', '.consent');
    }
  }
  return errors;
}
