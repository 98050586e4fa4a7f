import { destination, installationFor, leadBlueprint, seedWith, NOW } from './support/transform-harness.js';
import { compileBlueprint } from '../plugin/transform/compile-blueprint.js';
import { readRows } from '../plugin/transform/read-row.js';
import { transformEvent } from '../plugin/transform/transform-event.js';
import type { Blueprint } from '../plugin/transform/model.js';
import { VALUE_TRANSFORMS } from '../plugin/transform/value-transforms.js';
import { TransformTables } from '../plugin/transform/transform-tables.js';
import type { Explanation } from '../plugin/transform/transform-event.js';
import type { Installation } from '../plugin/installation.js';

/**
 * A browser's locale gives a country only by its region subtag: a bare language (`sv` Swedish, `uk`
 * Ukrainian, `ca` Catalan) names none, so the event falls back to default_country, then the profile's country,
 * as decision 009 says. Amazon's tag never reads a locale at all.
 */

describe('locale_country reads only a region subtag', () => {
  const transforms = [
    ['VALUE_TRANSFORMS', VALUE_TRANSFORMS.locale_country!],
    ['the remembered twin', new TransformTables().valueTransforms.locale_country!],
  ] as const;
  const cases: Array<[unknown, string | undefined]> = [
    ['sv-SE', 'SE'],
    ['en-US', 'US'],
    ['en_GB', 'GB'],
    ['en-gb', 'GB'],
    ['en-UK', 'GB'],
    ['zh-Hant-TW', 'TW'],
    ['sr-Latn-RS', 'RS'],
    ['zh-yue-HK', 'HK'],
    ['de_DE.UTF-8', 'DE'],
    ['ca_ES@euro', 'ES'],
    [' fr-CA ', 'CA'],
    ['en', undefined],
    ['sv', undefined],
    ['et', undefined],
    ['sl', undefined],
    ['ca', undefined],
    ['ga', undefined],
    ['uk', undefined],
    ['be', undefined],
    ['es-419', undefined],
    ['zh-Hant', undefined],
    ['en-XX', undefined],
    ['x-private', undefined],
    ['United Kingdom', undefined],
    ['', undefined],
    [42, undefined],
    [null, undefined],
  ];
  test.each(transforms.flatMap(([name, fn]) => cases.map(([v, c]) => [name, v, c, fn] as const)))(
    '%s: %p → %p',
    (_name, value, country, fn) => {
      expect(fn(value)).toBe(country);
      expect(fn(value)).toBe(country); // the twin's remembered answer is the same
    },
  );

  test('country_code still reads any two letters as a country (for address fields)', () => {
    expect(VALUE_TRANSFORMS.country_code!('de')).toBe('DE');
    expect(VALUE_TRANSFORMS.country_code!('uk')).toBe('GB');
  });
});

/** A German store on the EU region: profile DE, no default_country. */
const germanStore = (variant: string): Installation => {
  const installation = installationFor(variant, {}, 'EU');
  return { ...installation, profile: { ...installation.profile, countryCode: 'DE' } };
};
const withLocale = (locale: string, consent: unknown) =>
  seedWith({
    traits: { address: { country: undefined }, phone: '070-123 45 67' },
    context: { locale, ip: '81.2.69.142', consent, os: { name: 'Android' } },
  });
const VARIANTS = ['default', 'mobile_app', 'offline'];

describe("through each shipped blueprint, a locale's language is no country", () => {
  const granted = { canonical: { marketing: true } };
  test.each(
    VARIANTS.flatMap((variant) =>
      (
        [
          ['sv', 'DE', 'profile'],
          ['et', 'DE', 'profile'],
          ['sl', 'DE', 'profile'],
          ['ca', 'DE', 'profile'],
          ['ga', 'DE', 'profile'],
          ['uk', 'DE', 'profile'],
          ['be', 'DE', 'profile'],
          ['en', 'DE', 'profile'],
          ['es-419', 'DE', 'profile'],
          ['sv-SE', 'SE', 'event'],
          ['zh-Hant-TW', 'TW', 'event'],
        ] as const
      ).map(([locale, country, from]) => [variant, locale, country, from] as const),
    ),
  )('%s: locale %s → countryCode %s (from %s)', (variant, locale, country, from) => {
    const explanation: Explanation = { entry: null, matchKeys: [] };
    const result = destination.transform(withLocale(locale, granted), germanStore(variant), { explanation });
    expect(result).toMatchObject({ status: 'ok', event: { countryCode: country } });
    expect(explanation.country).toBe(from);
  });

  test.each(VARIANTS.flatMap((v) => ['sv', 'et', 'sl', 'ca', 'ga', 'uk', 'be'].map((l) => [v, l])))(
    '%s: a DE-store event with locale %s and no consent signal is CONSENT_MISSING, never sent',
    (variant, locale) => {
      expect(destination.transform(withLocale(locale, undefined), germanStore(variant))).toMatchObject({
        status: 'filtered',
        reason: { code: 'CONSENT_MISSING' },
      });
    },
  );

  test.each(VARIANTS)(
    '%s: a national phone number is hashed under the store country, not the language',
    (v) => {
      const phoneOf = (event: unknown): unknown => {
        const result = destination.transform(event, germanStore(v));
        if (result.status !== 'ok') throw new Error(`not sent: ${JSON.stringify(result)}`);
        return result.event.matchKeys?.find((k) => k.type === 'PHONE')?.values;
      };
      const asGerman = phoneOf(
        seedWith({
          traits: { address: { country: 'DE' }, phone: '070-123 45 67' },
          context: { locale: undefined, consent: granted, os: { name: 'Android' } },
        }),
      );
      const asSwedish = phoneOf(
        seedWith({
          traits: { address: { country: 'SE' }, phone: '070-123 45 67' },
          context: { locale: undefined, consent: granted, os: { name: 'Android' } },
        }),
      );
      expect(asGerman).toHaveLength(1);
      expect(asGerman).not.toEqual(asSwedish);
      expect(phoneOf(withLocale('sv', granted))).toEqual(asGerman);
    },
  );
});

describe('the blueprint row feature: a transform per source', () => {
  const blueprint = (mapping: Record<string, unknown>): Blueprint => leadBlueprint('per-source', mapping);
  const row = {
    source: ['properties.a', 'properties.b', 'properties.c'],
    target: 'eventId',
    transform: { 'properties.a': 'upper', 'properties.b': 'upper' },
    prefix: { 'properties.b': 'b:' },
  };
  test.each<[string, Record<string, unknown>, unknown]>([
    ['a named source: its transform', { a: 'abc', b: 'x', c: 'y' }, 'ABC'],
    ['a source with a transform and a prefix: both, the transform first', { b: 'xyz', c: 'y' }, 'b:XYZ'],
    ['a source not named: as it is', { c: 'as-is' }, 'as-is'],
    ['a named source that does not convert: the next source', { a: 42, c: 'next' }, 'next'],
  ])('%s', (_label, properties, id) => {
    const compiled = compileBlueprint(blueprint(row));
    const event = {
      type: 'track',
      event: 'lead',
      timestamp: new Date(NOW).toISOString(),
      traits: { email: 'a@b.co' },
      properties,
    };
    const result = transformEvent(event, { blueprint: compiled, defaultCountry: 'US' }, NOW);
    expect(result).toMatchObject({ status: 'ok', event: { eventId: id } });
    // The plain reader (where code generation is off) reads the same.
    const entry = compiled.lookup.get('lead')!;
    expect(readRows(entry.rows, event).fields.eventId).toBe(id);
    expect(entry.read(event).fields.eventId).toBe(id);
  });
});
