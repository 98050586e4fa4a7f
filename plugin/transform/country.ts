/** Where an event's country came from: its own data, the config's `default_country`, or the profile's marketplace. */
export type CountrySource = 'event' | 'default_country' | 'profile';
export const COUNTRY_SOURCES: readonly CountrySource[] = ['event', 'default_country', 'profile'];

/**
 * A country as an operator or Amazon configures it, as the ISO code events are sent with: trimmed, in capitals,
 * and `UK` (the label Amazon's own profiles use for the United Kingdom) read as `GB`, the only code Amazon's
 * events accept for it. Undefined for a blank or absent one.
 */
export function configuredCountry(code: string | undefined): string | undefined {
  const c = code?.trim().toUpperCase();
  if (!c) return undefined;
  return c === 'UK' ? 'GB' : c;
}
