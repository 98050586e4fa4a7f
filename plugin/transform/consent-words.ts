/**
 * The words a consent flag may say, as Amazon's server-side GTM tag reads them (`normalizeConsent` in
 * `template.tpl` of github.com/amzn/ads-events-api-gtm-tag, and its test "Consent normalization handles all
 * truthy and falsy variants"): compared trimmed and in lower case. Our own earlier words (`true`, `yes`, `1`,
 * `granted` and their opposites) are all among them; we add none, so a flag means here what it means to Amazon.
 */
export const CONSENT_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  '1': true,
  on: true,
  enabled: true,
  opted_in: true,
  optin: true,
  granted: true,
  false: false,
  no: false,
  '0': false,
  off: false,
  disabled: false,
  opted_out: false,
  optout: false,
  denied: false,
};

/**
 * `true` (granted) or `false` (refused) from a consent flag, or undefined when it says nothing usable: a
 * boolean as it is, the numbers 1 and 0 (as the tag), a word of `CONSENT_WORDS`. Anything else (`maybe`, `2`,
 * an object, blank) is no signal.
 */
export function consentFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1) return true;
  if (value === 0) return false;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return Object.hasOwn(CONSENT_WORDS, word) ? CONSENT_WORDS[word] : undefined;
}
