import { GppModel } from '@iabgpp/cmpapi';
import { destination, installationFor, seedWith } from './support/transform-harness.js';
import { CONSENT_REQUIRED_COUNTRIES } from '../plugin/amazon/reference-lists.js';
import type { Region } from '../plugin/constants.js';
import type { TransformResult } from '../plugin/contracts.js';

/**
 * Consent follows the event's own country, never the installation's region: the countries of Amazon's
 * server-side tag's list (EU 27, GB, NO, IS, LI) need a signal; every other country follows consent_default.
 */

/** Amazon's tag's `isGdprCountry` list, as its own test "EU/UK consent enforcement…" holds it (template.tpl). */
// prettier-ignore
const TAG_LIST = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'GB', 'NO', 'IS', 'LI',
];
/** Countries an EU-host advertiser sells to that are not on the list (Amazon's EU host serves them too). */
const OFF_LIST = ['IN', 'AE', 'SA', 'TR', 'EG', 'ZA', 'CH', 'US', 'JP', 'BR'];
const REGIONS: Region[] = ['NA', 'EU', 'FE'];
const IP = '203.0.113.42';

/** The seed purchase from `country` (its address), with `consent` as its whole consent context. */
const from = (country: string, consent: unknown, extra: Record<string, unknown> = {}) =>
  seedWith({ traits: { address: { country } }, context: { consent, ...extra } });

const run = (event: unknown, region: Region = 'EU', config = {}): TransformResult =>
  destination.transform(event, installationFor('default', config, region));

describe("the list of countries that need a signal is Amazon's tag's", () => {
  test('31 countries: the EU 27, GB, NO, IS, LI; Switzerland is not on it', () => {
    expect([...CONSENT_REQUIRED_COUNTRIES].sort()).toEqual([...TAG_LIST].sort());
    expect(CONSENT_REQUIRED_COUNTRIES.size).toBe(31);
    expect(CONSENT_REQUIRED_COUNTRIES.has('CH')).toBe(false);
  });
});

describe('an event from a listed country without a signal is filtered, on every region', () => {
  test.each(REGIONS.flatMap((region) => TAG_LIST.map((country) => [country, region] as const)))(
    '%s on %s → CONSENT_MISSING',
    (country, region) => {
      expect(run(from(country, undefined), region)).toMatchObject({
        status: 'filtered',
        reason: { code: 'CONSENT_MISSING' },
      });
    },
  );
});

describe("consent_default denied does not send a listed country's event without a signal", () => {
  test.each(REGIONS.flatMap((region) => ['DE', 'GB', 'NO'].map((country) => [country, region] as const)))(
    '%s on %s, denied → CONSENT_MISSING',
    (country, region) => {
      expect(run(from(country, undefined), region, { consent_default: 'denied' })).toMatchObject({
        status: 'filtered',
        reason: { code: 'CONSENT_MISSING' },
      });
    },
  );
});

describe('an event from a listed country with a signal is sent, on every region', () => {
  const signals: Array<[string, unknown, Record<string, unknown>]> = [
    [
      'a marketing flag',
      { canonical: { marketing: 'granted' } },
      { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ],
    ['a TCF string', { tcf_string: 'CPXxRfAPXxRfA' }, { tcf: 'CPXxRfAPXxRfA' }],
    ['a GPP string', { gpp_string: 'DBABMA~CPXxRfA' }, { gpp: 'DBABMA~CPXxRfA' }],
  ];
  test.each(
    REGIONS.flatMap((region) => signals.map(([label, c, sent]) => [label, region, c, sent] as const)),
  )('DE with %s on %s', (_label, region, consent, sent) => {
    expect(run(from('DE', consent), region)).toMatchObject({
      status: 'ok',
      event: { countryCode: 'DE', consent: { ...sent, geo: { ipAddress: IP } } },
    });
  });
});

describe('an event from any other country follows consent_default, on every region', () => {
  const cases = REGIONS.flatMap((region) => OFF_LIST.map((country) => [country, region] as const));
  test.each(cases)('%s on %s, geo_only (default) → sent with the IP as geo only', (country, region) => {
    const result = run(from(country, undefined), region);
    expect(result).toMatchObject({ status: 'ok', event: { countryCode: country } });
    expect(result.status === 'ok' && result.event.consent).toEqual({ geo: { ipAddress: IP } });
  });
  test.each(cases)('%s on %s, denied → sent with amznUserData DENIED', (country, region) => {
    const result = run(from(country, undefined), region, { consent_default: 'denied' });
    expect(result.status === 'ok' && result.event.consent).toEqual({
      amazonConsent: { amznUserData: 'DENIED', amznAdStorage: 'DENIED' },
      geo: { ipAddress: IP },
    });
  });
});

describe('on the EU region, Amazon requires some consent object on every event (SPEC CreateConsent)', () => {
  // An offline sale: no IP, no signal.
  const bare = (country: string) =>
    seedWith({ traits: { address: { country } }, context: { consent: undefined, ip: undefined } });
  const DENIED = { amazonConsent: { amznUserData: 'DENIED', amznAdStorage: 'DENIED' } };
  test.each<[Region, string, Record<string, unknown>, string, unknown]>([
    ['EU', 'IN', {}, 'filtered', undefined],
    ['EU', 'IN', { consent_default: 'denied' }, 'ok', DENIED],
    ['NA', 'US', {}, 'ok', undefined],
    ['FE', 'JP', {}, 'ok', undefined],
  ])(
    '%s region, a %s event without IP or signal, config %j → %s, consent %j',
    (region, country, config, status, consent) => {
      const result = run(bare(country), region, config);
      expect(result.status).toBe(status);
      expect(result.status === 'filtered' && result.reason.code).toBe(
        status === 'filtered' && 'CONSENT_MISSING',
      );
      expect(result.status === 'ok' ? result.event.consent : undefined).toEqual(consent);
    },
  );
});

describe("the event's country is the one the blueprint reads, then default_country, then the profile's", () => {
  const noCountry = seedWith({
    context: { locale: undefined, consent: undefined },
    traits: { address: { country: undefined } },
  });
  test.each<[string, Record<string, unknown>, string, string]>([
    ['default_country GB decides over a US profile', { default_country: 'GB' }, 'GB', 'filtered'],
    ['default_country UK is read as GB', { default_country: 'UK' }, 'GB', 'filtered'],
    ["without default_country, the profile's marketplace (US)", {}, 'US', 'ok'],
  ])('%s', (_label, config, country, status) => {
    const explanation = { entry: null, matchKeys: [] };
    const installation = installationFor('default', config, 'EU');
    const result = destination.transform(noCountry, installation, { explanation });
    expect(result.status).toBe(status);
    const withConsent = seedWith({ context: { consent: { canonical: { marketing: true } } } }, noCountry);
    expect(destination.transform(withConsent, installation)).toMatchObject({
      status: 'ok',
      event: { countryCode: country },
    });
  });
});

describe('Global Privacy Control marks LIMITED_DATA_USE by the gpc_scope setting', () => {
  const usnatOptOut = (() => {
    const model = new GppModel();
    model.setFieldValue('usnat', 'SaleOptOutNotice', 1);
    model.setFieldValue('usnat', 'SaleOptOut', 1);
    return model.encode();
  })();
  const granted = { canonical: { marketing: true } };
  test.each<[string, string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['GPC from the US (default scope us)', 'US', {}, { gpc: true }, true],
    ['GPC from Germany (default scope us)', 'DE', {}, { gpc: true }, false],
    ['GPC from India (default scope us)', 'IN', {}, { gpc: true }, false],
    ['GPC "1" from Canada (default scope us)', 'CA', {}, { gpc: '1' }, false],
    ['GPC 1 (a number) from the US', 'US', {}, { gpc: 1 }, true],
    ['GPC false from the US', 'US', {}, { gpc: false }, false],
    ['GPC from Germany, gpc_scope everywhere', 'DE', { gpc_scope: 'everywhere' }, { gpc: true }, true],
    ['GPC from the US, gpc_scope everywhere', 'US', { gpc_scope: 'everywhere' }, { gpc: true }, true],
    ['no GPC from the US, gpc_scope everywhere', 'US', { gpc_scope: 'everywhere' }, {}, false],
    ['a US GPP opt-out: US only by nature, no country test', 'CA', {}, { gpp_opt_out: true }, true],
  ])('%s → LIMITED_DATA_USE: %s', (_label, country, config, signal, limited) => {
    const consent = signal.gpp_opt_out ? { ...granted, gpp_string: usnatOptOut } : granted;
    const gpc = signal.gpc === undefined ? {} : { gpc: signal.gpc };
    const result = run(from(country, consent, gpc), 'NA', config);
    expect(result.status).toBe('ok');
    expect(result.status === 'ok' && result.event.dataProcessingOptions).toEqual(
      limited ? { options: 'LIMITED_DATA_USE' } : undefined,
    );
  });

  // GPC is read with the consent words (consent-words.ts), in any case, as a consent flag is.
  test.each<[unknown, boolean]>([
    [true, true],
    ['true', true],
    ['True', true],
    [' TRUE ', true],
    ['1', true],
    [1, true],
    ['yes', true],
    ['On', true],
    ['enabled', true],
    [false, false],
    ['false', false],
    ['False', false],
    ['0', false],
    [0, false],
    ['no', false],
    ['maybe', false],
    ['', false],
    [2, false],
    [{}, false],
    [null, false],
  ])('GPC %p on a US event → LIMITED_DATA_USE: %s', (gpc, limited) => {
    const result = run(from('US', granted, { gpc }), 'NA');
    expect(result.status).toBe('ok');
    expect(result.status === 'ok' && result.event.dataProcessingOptions).toEqual(
      limited ? { options: 'LIMITED_DATA_USE' } : undefined,
    );
  });

  test('gpc_scope is in the config schema, us by default, and refuses other words', async () => {
    const { SchemaRegistry } = await import('../plugin/schemas/schema-registry.js');
    const { CONFIG_SCHEMA } = await import('../plugin/config.js');
    const base = { advertiser_id: '4728736040201', profile_id: '1', access_token: 'Atza|x' };
    const schemas = new SchemaRegistry();
    expect(schemas.validate('config', { ...base, gpc_scope: 'everywhere' })).toEqual([]);
    expect(schemas.validate('config', { ...base, gpc_scope: 'eu' })).toEqual([
      { field: 'gpc_scope', message: 'must be one of us, everywhere' },
    ]);
    expect(CONFIG_SCHEMA.properties.gpc_scope).toMatchObject({ enum: ['us', 'everywhere'] });
  });
});
