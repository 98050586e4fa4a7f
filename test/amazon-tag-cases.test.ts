import { destination, installationFor, seedWith } from './support/transform-harness.js';
import { startHarness, type Harness } from './support/plugin-harness.js';
import { credentialsOf, TEST_ACCOUNT } from '../sandbox/accounts.js';
import { CONSENT_WORDS, consentFlag } from '../plugin/transform/consent-words.js';
import { entryProblem } from '../plugin/transform/validate-event.js';
import { COUNTRY_REGION } from '../plugin/constants.js';
import type { ConversionType, MatchKeyType } from '../plugin/amazon/event-types.js';
import { MatchKeyRules } from '../plugin/transform/normalize/match-keys.js';
import type { AmazonDspConfig } from '../plugin/config.js';
import type { TransformResult } from '../plugin/contracts.js';

/**
 * The cases of Amazon's own server-side tag's tests (the `___TESTS___` section of `template.tpl` in
 * github.com/amzn/ads-events-api-gtm-tag): their inputs and expected results, played through our plugin. Each
 * `describe` is named after the tag test it takes its rows from. Where we answer otherwise on purpose, the row
 * says so and docs/decisions/009-following-amazons-tag.md says why.
 */

const run = (event: unknown, config: Partial<AmazonDspConfig> = {}): TransformResult =>
  destination.transform(event, installationFor('default', config));

/** A seed purchase from `country` whose only consent is `consent` (undefined: none), the seed's own removed. */
const withConsent = (country: string, consent: unknown) =>
  seedWith(
    { traits: { address: { country } }, context: { consent } },
    seedWith({ context: { consent: undefined } }),
  );

describe('tag test: "Consent normalization handles all truthy and falsy variants"', () => {
  test("our word table is exactly the tag's yes and no lists", () => {
    const yes = ['true', 'yes', '1', 'on', 'enabled', 'opted_in', 'optin', 'granted'];
    const no = ['false', 'no', '0', 'off', 'disabled', 'opted_out', 'optout', 'denied'];
    expect(CONSENT_WORDS).toEqual(
      Object.fromEntries([...yes.map((w) => [w, true]), ...no.map((w) => [w, false])]),
    );
    expect(Object.keys(CONSENT_WORDS)).toHaveLength(16);
  });

  // [input, the tag's normalizeConsent]
  const rows: Array<[unknown, boolean | null]> = [
    ['true', true],
    ['yes', true],
    ['1', true],
    ['on', true],
    ['enabled', true],
    ['opted_in', true],
    ['optin', true],
    ['granted', true],
    ['GRANTED', true],
    ['  True  ', true],
    ['false', false],
    ['no', false],
    ['0', false],
    ['off', false],
    ['disabled', false],
    ['opted_out', false],
    ['optout', false],
    ['denied', false],
    ['DENIED', false],
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    [null, null],
    [undefined, null],
    ['', null],
    ['maybe', null],
    ['unknown', null],
  ];
  test.each(rows)('%j → %s', (input, expected) => {
    expect(consentFlag(input) ?? null).toBe(expected);
  });

  // Through transform, from Germany (a signal is needed): granted is sent GRANTED; a refusal is filtered (the tag
  // sends it as DENIED: a difference on purpose); no signal is filtered as missing.
  test.each(rows)('a German event whose marketing flag is %j', (input, expected) => {
    const result = run(withConsent('DE', { canonical: { marketing: input } }));
    const granted = { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } };
    const answer = {
      granted: { status: 'ok', event: { consent: granted } },
      refused: { status: 'filtered', reason: { code: 'CONSENT_DENIED' } },
      none: { status: 'filtered', reason: { code: 'CONSENT_MISSING' } },
    };
    expect(result).toMatchObject(answer[expected === null ? 'none' : expected ? 'granted' : 'refused']);
  });
});

describe('tag test: "EU/UK consent enforcement blocks firing without consent method"', () => {
  const method: Record<string, unknown> = {
    NONE: undefined,
    '': undefined,
    null: undefined,
    TCF: { tcf_string: 'CPXxRfAPXxRfA' },
    GPP: { gpp_string: 'DBABMA~CPXxRfA' },
    AMAZON: { canonical: { marketing: 'granted' } },
  };
  // [country, the tag's consent method, the tag's validateConsentForRegion]
  test.each<[string, string, boolean]>([
    ['DE', 'NONE', false],
    ['FR', '', false],
    ['GB', 'null', false],
    ['IT', 'NONE', false],
    ['DE', 'TCF', true],
    ['FR', 'GPP', true],
    ['GB', 'AMAZON', true],
    ['US', 'NONE', true],
    ['JP', '', true],
    ['AU', 'null', true],
    ['NO', 'NONE', false],
    ['IS', 'NONE', false],
    ['LI', 'NONE', false],
  ])('%s with consent method %j → sent: %s', (country, how, sent) => {
    const result = run(withConsent(country, method[how]));
    expect(result.status).toBe(sent ? 'ok' : 'filtered');
    expect(result.status === 'filtered' && result.reason.code).toBe(sent ? false : 'CONSENT_MISSING');
  });
});

/** An installation with one custom event `tag_case` of this conversion type reading value, currency and units. */
const customInstall = (conversionType: ConversionType, config: Partial<AmazonDspConfig> = {}) => {
  const installation = installationFor('default', {
    ...config,
    custom_events: {
      tag_case: {
        vendor_event_name: 'TagCase',
        conversion_type: conversionType,
        mappings: [
          { source: 'properties.value', target: 'value', transform: 'number' },
          { source: 'properties.currency', target: 'currencyCode', transform: 'upper' },
          { source: 'properties.units', target: 'unitsSold', transform: 'integer' },
        ],
      },
    },
  });
  // No profile currency: only the event's own (or default_currency) counts, as in the tag.
  return { ...installation, profile: { ...installation.profile, currencyCode: undefined } };
};
const tagCase = (properties: Record<string, unknown>) =>
  seedWith({ event: 'tag_case', properties: { ...properties, currency: undefined, value: undefined } });
const withProperties = (properties: Record<string, unknown>) => {
  const event = tagCase({});
  return { ...event, properties: { ...(event.properties as object), ...properties } };
};

describe('tag test: "currencyCode and unitsSold only included for OFF_AMAZON_PURCHASES"', () => {
  test.each<[ConversionType, string, number, boolean]>([
    ['OFF_AMAZON_PURCHASES', 'USD', 2, true],
    ['ADD_TO_SHOPPING_CART', 'USD', 1, false],
    ['LEAD', 'EUR', 3, false],
  ])('%s with %s and %d units → both sent: %s', (type, currency, units, both) => {
    const result = destination.transform(withProperties({ currency, units }), customInstall(type));
    expect(result.status).toBe('ok');
    const event = result.status === 'ok' ? result.event : undefined;
    expect([event?.currencyCode, event?.unitsSold]).toEqual(
      both ? [currency, units] : [undefined, undefined],
    );
  });
});

describe('tag test: "validateValueCurrencyPair only enforces for OFF_AMAZON_PURCHASES"', () => {
  // [value, currency, type, the tag's answer]
  test.each<[string, string, ConversionType, boolean]>([
    ['49.99', '', 'PAGE_VIEW', true],
    ['10', '', 'LEAD', true],
    ['5', '', 'ADD_TO_SHOPPING_CART', true],
    ['49.99', '', 'OFF_AMAZON_PURCHASES', false],
    ['49.99', 'USD', 'OFF_AMAZON_PURCHASES', true],
    ['', '', 'OFF_AMAZON_PURCHASES', true],
  ])('value %j, currency %j, %s → sent: %s', (value, currency, type, sent) => {
    const properties = { ...(value ? { value } : {}), ...(currency ? { currency } : {}) };
    const result = destination.transform(withProperties(properties), customInstall(type));
    expect(result.status).toBe(sent ? 'ok' : 'invalid');
    expect(result.status === 'invalid' && result.error.code).toBe(sent ? false : 'CURRENCY_INVALID');
    expect(result.status === 'ok' ? result.event.value : 'not sent').toBe(
      sent ? (value ? Number(value) : undefined) : 'not sent',
    );
  });

  test("ours on purpose: a purchase's missing currency is the config's default_currency before it is invalid", () => {
    const result = destination.transform(
      withProperties({ value: '49.99' }),
      customInstall('OFF_AMAZON_PURCHASES', { default_currency: 'EUR' }),
    );
    expect(result).toMatchObject({ status: 'ok', event: { value: 49.99, currencyCode: 'EUR' } });
  });
});

describe('tag test: "unitsSold auto-detect sums quantities across all items"', () => {
  test.each<[string, unknown, number | undefined]>([
    ['a multi-item cart', [{ quantity: 3 }, { quantity: 2 }, { quantity: 1 }], 6],
    ['a single item', [{ quantity: 5 }], 5],
    ['an empty items list', [], undefined],
    ['no items', null, undefined],
    ['items without quantity', [{ item_id: 'abc' }, { item_id: 'def' }], undefined],
    ['some items without quantity', [{ quantity: 3 }, { item_id: 'abc' }, { quantity: 2 }], 5],
  ])('%s → %s', (_label, items, units) => {
    const result = run(seedWith({ properties: { items } }));
    expect(result.status).toBe('ok');
    expect(result.status === 'ok' && result.event.unitsSold).toBe(units);
  });
});

describe('tag test: "dataSetId is used for API Token auth, dataSetName for OAuth"', () => {
  const apiToken = {
    api_token: 'amzn_ads|x',
    manager_account_id: 'amzn1.ads1.ma1.x',
    data_set_id: 'amzn1.adm.ds1.evnt1.abc',
  };
  test.each<[string, Partial<AmazonDspConfig>, string | undefined, string | undefined]>([
    [
      'API token: dataSetId, the name ignored',
      { ...apiToken, data_set_name: 'ignored_name' },
      'amzn1.adm.ds1.evnt1.abc',
      undefined,
    ],
    ['OAuth: dataSetName', { data_set_name: 'MyDataSet' }, undefined, 'MyDataSet'],
    ['OAuth without a name: neither', {}, undefined, undefined],
  ])('%s', (_label, config, dataSetId, dataSetName) => {
    const result = run(seedWith({}), config);
    expect(result.status).toBe('ok');
    const event = result.status === 'ok' ? result.event : undefined;
    expect([event?.dataSetId, event?.eventDescription.dataSetName]).toEqual([dataSetId, dataSetName]);
  });
});

describe('tag test: "Event name validation rejects names over 256 characters"', () => {
  test.each<[string, boolean]>([
    ['purchase', true],
    ['Lead_TestDrive', true],
    ['My-Event.Name_123', true],
    ['a'.repeat(256), true],
    ['a'.repeat(257), false],
    ['event!name', false],
    ['event@name', false],
    ['event{name}', false],
    ['event;name', false],
    ['event\\name', false],
  ])('%j → valid: %s', (name, valid) => {
    expect(entryProblem(name, [])?.error.code).toBe(valid ? undefined : 'EVENT_NAME_INVALID');
    const installation = installationFor('default', {
      custom_events: { named: { vendor_event_name: name, conversion_type: 'LEAD' } },
    });
    const result = destination.transform(seedWith({ event: 'named' }), installation);
    expect(result.status).toBe(valid ? 'ok' : 'invalid');
  });
});

describe('tag test: "Country code to correct API region mapping"', () => {
  const region = (code: string | null): string | null =>
    code ? (COUNTRY_REGION[code.toUpperCase().trim()]?.toLowerCase() ?? null) : null;
  test.each<[string | null, string | null]>([
    ['US', 'na'],
    ['CA', 'na'],
    ['GB', 'eu'],
    ['DE', 'eu'],
    ['JP', 'fe'],
    ['AU', 'fe'],
    ['us', 'na'],
    ['INVALID', null],
    ['', null],
    [null, null],
  ])('%j → %j', (code, expected) => {
    expect(region(code)).toBe(expected);
  });
});

describe('tag tests: the account headers per auth ("ADVERTISER_ID account type sends Amazon-Ads-AccountId header only", "MANAGER_ACCOUNT_ID account type sends Amazon-Ads-Manager-AccountId header only", "API Token auth sets correct headers", "Account header is chosen by account type")', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  const oauth = credentialsOf(TEST_ACCOUNT, 0, { advertiser_id: '4728736040201' });
  test.each<[string, Record<string, unknown>, Record<string, string | undefined>]>([
    [
      'OAuth, DSP advertiser',
      oauth,
      {
        authorization: 'Bearer',
        'amazon-ads-clientid': TEST_ACCOUNT.clientId,
        'amazon-ads-accountid': '4728736040201',
        'amazon-ads-manager-accountid': undefined,
        'amazon-advertising-api-token': undefined,
      },
    ],
    [
      'OAuth, manager account',
      { ...oauth, manager_account_id: 'amzn1.ads1.ma1.sandboxtest' },
      {
        authorization: 'Bearer',
        'amazon-ads-clientid': TEST_ACCOUNT.clientId,
        'amazon-ads-accountid': undefined,
        'amazon-ads-manager-accountid': 'amzn1.ads1.ma1.sandboxtest',
        'amazon-advertising-api-token': undefined,
      },
    ],
    [
      'API token, manager account only',
      {
        advertiser_id: '4728736040201',
        region: 'NA',
        manager_account_id: 'amzn1.ads1.ma1.sandboxtest',
        api_token: 'amzn_ads|sandbox-test-api-token',
        data_set_id: 'amzn1.adm.ds1.evnt1.sandboxtest',
      },
      {
        authorization: undefined,
        'amazon-ads-clientid': undefined,
        'amazon-ads-accountid': undefined,
        'amazon-ads-manager-accountid': 'amzn1.ads1.ma1.sandboxtest',
        'amazon-advertising-api-token': 'amzn_ads|sandbox-test-api-token',
      },
    ],
  ])('%s', async (label, config, headers) => {
    const installation = await h.destination.install({ variant: 'default', config });
    const result = h.destination.transform(
      seedWith({ timestamp: new Date().toISOString(), properties: { transaction_id: label } }),
      installation,
    );
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    const report = await h.destination.deliver([{ id: 'x', event: result.event }], installation);
    expect(report.outcomes).toEqual([{ id: 'x', status: 'delivered' }]);
    const sent = h.sandbox.requests.filter((r) => r.path.endsWith('/adsApi/v1/create/events')).at(-1)!;
    // Of the bearer token only its scheme: the token is the sandbox account's.
    const scheme = (value: unknown) => (typeof value === 'string' ? value.split(' ')[0] : value);
    const seen = Object.fromEntries(
      Object.keys(headers).map((k) => [k, k === 'authorization' ? scheme(sent.headers[k]) : sent.headers[k]]),
    );
    expect(seen).toEqual(headers);
  });
});

describe("tag tests on normalisation: our match key rules (decision 004) on the tag's cases", () => {
  const rules = new MatchKeyRules();
  const hash = 'A94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A8B64C15B5B5B5B5B5B5B5B';
  // [tag test, type, raw, country, the tag test's expectation, ours when it differs on purpose, why]
  const rows: Array<[string, MatchKeyType, string, string, string, string?, string?]> = [
    [
      'Email normalization lowercases and trims whitespace',
      'EMAIL',
      '  TEST@EXAMPLE.COM  ',
      'US',
      'test@example.com',
    ],
    [
      'Email normalization lowercases and trims whitespace',
      'EMAIL',
      'User@Domain.COM',
      'US',
      'user@domain.com',
    ],
    [
      'Phone normalization strips formatting and adds country prefix',
      'PHONE',
      '(555) 123-4567',
      'US',
      '15551234567',
    ],
    [
      'Phone normalization strips formatting and adds country prefix',
      'PHONE',
      '+44 7911 123456',
      'GB',
      '447911123456',
    ],
    [
      'Phone normalization strips formatting and adds country prefix',
      'PHONE',
      '06 12 34 56 78',
      'FR',
      '330612345678',
      '33612345678',
      'E.164 drops the trunk 0 (decision 004: phone)',
    ],
    ['Name normalization trims, lowercases, and removes non-alpha', 'FIRST_NAME', '  John  ', 'US', 'john'],
    [
      'Name normalization trims, lowercases, and removes non-alpha',
      'FIRST_NAME',
      'Mary-Jane',
      'US',
      'maryjane',
    ],
    ['Name normalization trims, lowercases, and removes non-alpha', 'FIRST_NAME', "O'Brien", 'US', 'obrien'],
    ['Name normalization trims, lowercases, and removes non-alpha', 'FIRST_NAME', 'Bob123', 'US', 'bob'],
    [
      'Name normalization trims, lowercases, and removes non-alpha',
      'LAST_NAME',
      'Van Der Berg',
      'US',
      'vanderberg',
    ],
    [
      'Name normalization trims, lowercases, and removes non-alpha',
      'LAST_NAME',
      'De La Cruz',
      'US',
      'delacruz',
    ],
    [
      'Address normalization lowercases and removes non-alphanumeric',
      'ADDRESS',
      '123 Main St.',
      'US',
      '123mainst',
    ],
    [
      'Address normalization lowercases and removes non-alphanumeric',
      'ADDRESS',
      '  456 Oak Ave, Apt #2  ',
      'US',
      '456oakaveapt2',
      '456oakaveaptnumber2',
      "the tag's own rules turn # into ' number ' (delimiterMap); its test checks only the last step",
    ],
    [
      'Address normalization lowercases and removes non-alphanumeric',
      'ADDRESS',
      '789 ELM BLVD',
      'US',
      '789elmblvd',
    ],
    ['City normalization lowercases and removes non-alphanumeric', 'CITY', '  New York  ', 'US', 'newyork'],
    ['City normalization lowercases and removes non-alphanumeric', 'CITY', 'St. Louis', 'US', 'stlouis'],
    ['City normalization lowercases and removes non-alphanumeric', 'CITY', 'San José', 'US', 'sanjos'],
    ['State normalization lowercases, removes non-alphanumeric, and truncates', 'STATE', 'N.Y.', 'US', 'ny'],
    [
      'State normalization lowercases, removes non-alphanumeric, and truncates',
      'STATE',
      '  CA  ',
      'US',
      'ca',
    ],
    [
      'State normalization lowercases, removes non-alphanumeric, and truncates',
      'STATE',
      'Washington',
      'US',
      'wa',
    ],
    [
      'State normalization lowercases, removes non-alphanumeric, and truncates',
      'STATE',
      'California',
      'US',
      'ca',
    ],
    ['Postal code normalization strips after dash', 'POSTAL', '98101-1234', 'US', '98101'],
    ['Postal code normalization strips after dash', 'POSTAL', 'SW1A 1AA', 'GB', 'sw1a1aa'],
    ['Postal code normalization strips after dash', 'POSTAL', '  10001  ', 'US', '10001'],
    ['Postal code normalization strips after dash', 'POSTAL', 'K1A 0B1', 'CA', 'k1a0b1'],
    [
      'Identity fields are passed through without hashing',
      'MAID',
      'test-maid-value',
      'US',
      'test-maid-value',
    ],
    ['Identity fields are passed through without hashing', 'RAMP_ID', 'test-ramp-id', 'US', 'test-ramp-id'],
    ['Identity fields are passed through without hashing', 'FIP', '192.168.1.1', 'US', '192.168.1.1'],
  ];
  // Every row as seven cells: jest hands a test fewer cells than parameters as a done callback.
  const full = rows.map(
    ([t, type, raw, country, tag, ours, why]) => [t, type, raw, country, tag, ours, why] as const,
  );
  test.each(full)('%s: %s %j (%s) → %j', (_test, type, raw, country, tag, ours, why) => {
    expect(rules.normalizedForm(type, raw, country)).toBe(ours ?? tag);
    // A row answers otherwise only with its reason.
    expect(ours === undefined || (why !== undefined && ours !== tag)).toBe(true);
  });

  test.each<[MatchKeyType, string]>([
    ['EMAIL', hash.toLowerCase()],
    ['PHONE', hash.toLowerCase()],
    ['FIRST_NAME', hash.toLowerCase()],
    ['ADDRESS', hash.toLowerCase()],
    ['MAID', hash],
  ])(
    'tag test "Pre-hashed match key values are passed through without re-hashing": %s → %s',
    (type, sent) => {
      expect(rules.value(type, hash, 'US')).toBe(sent);
    },
  );
});
