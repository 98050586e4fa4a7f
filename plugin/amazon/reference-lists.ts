import openapi from 'amazon-dsp-events/amazon-reference/openapi-events.json' with { type: 'json' };

/**
 * Amazon's own lists, from its OpenAPI file (`amazon-reference/openapi-events.json`, SPEC): the values the
 * Events API accepts. Static data, part of the code: nothing is read or remembered at run time.
 */
const schemas = openapi.components.schemas;

/** ISO 3166-1 alpha-2 codes Amazon accepts (SPEC CountryCode, less OTHER / OTHER_EEA / ZZ). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  schemas.CountryCode.enum.filter((c: string) => /^[A-Z]{2}$/.test(c)),
);

/** ISO 4217 codes Amazon accepts (SPEC CurrencyCode). */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(schemas.CurrencyCode.enum);

/** The event sources Amazon accepts (SPEC EventSource): WEBSITE, ANDROID, IOS, … */
export const EVENT_SOURCE_VALUES: ReadonlySet<string> = new Set(schemas.EventSource.enum);

/** The characters Amazon allows in customData names and values (SPEC CustomData): letters, digits and `_`. */
export const isCustomDataChar = (char: string): boolean => /[A-Za-z0-9_]/.test(char);

/**
 * The countries whose events need a consent signal (a flag, a TCF or a GPP string) whatever the installation's
 * region: the EU 27, the United Kingdom, Norway, Iceland and Liechtenstein, exactly the list of Amazon's
 * server-side GTM tag (`isGdprCountry` in `template.tpl` of github.com/amzn/ads-events-api-gtm-tag, held by its
 * test "EU/UK consent enforcement blocks firing without consent method"). Switzerland is not on it, and so not
 * here: docs/decisions/009-following-amazons-tag.md.
 */
// prettier-ignore
export const CONSENT_REQUIRED_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'GB', 'NO', 'IS', 'LI',
]);
