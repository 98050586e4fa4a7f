import { createHash } from 'node:crypto';
import { destination, installationFor, NOW, SEED_EVENT, seedWith } from './support/transform-harness.js';
import { errorsAgainst } from './support/amazon-openapi.js';
import type { AmazonEvent } from '../plugin/amazon/event-types.js';
import type { TransformResult } from '../plugin/contracts.js';
import type { Installation } from '../plugin/installation.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const web = installationFor('default');
const run = (event: unknown, installation = web): TransformResult =>
  destination.transform(event, installation);
function ok(event: unknown, installation = web): AmazonEvent {
  const result = run(event, installation);
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  expect(errorsAgainst('EventCreate', result.event)).toEqual([]);
  return result.event;
}

describe('the seed canonical event (signal-host.md) becomes an Amazon purchase', () => {
  test('exactly this Amazon event, valid against EventCreate', () => {
    expect(ok(SEED_EVENT)).toEqual({
      eventDescription: {
        name: 'Purchase',
        conversionType: 'OFF_AMAZON_PURCHASES',
        eventSource: 'WEBSITE',
        eventIngestionMethod: 'SERVER_TO_SERVER',
      },
      countryCode: 'US',
      eventTime: '2026-02-25T14:30:00.000Z',
      matchKeys: [
        { type: 'EMAIL', values: [sha('jane.doe@example.com')] },
        { type: 'PHONE', values: [sha('15550104477')] },
        { type: 'FIRST_NAME', values: [sha('jane')] },
        { type: 'LAST_NAME', values: [sha('doe')] },
        { type: 'ADDRESS', values: [sha('123mainst')] },
        { type: 'CITY', values: [sha('seattle')] },
        { type: 'STATE', values: [sha('wa')] },
        { type: 'POSTAL', values: [sha('98101')] },
        { type: 'FIP', values: ['203.0.113.42'] },
      ],
      value: 129.99,
      currencyCode: 'USD',
      unitsSold: 1,
      eventId: 'T-1001',
      consent: {
        amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' },
        geo: { ipAddress: '203.0.113.42' },
      },
      customData: [
        { name: 'productId', value: 'SKU_001', dataType: 'STRING' },
        { name: 'brand', value: 'Acme', dataType: 'STRING' },
        { name: 'category', value: 'Shoes', dataType: 'STRING' },
      ],
      deviceInfo: { userAgent: 'Mozilla/5.0 …' },
      partner: 'Datafly Signal',
    });
  });

  test('no raw email, phone, name or street survives into the output', () => {
    const text = JSON.stringify(ok(SEED_EVENT)).toLowerCase();
    for (const raw of ['jane', 'doe', '555', 'main street', 'seattle', 'washington'])
      expect(text).not.toContain(raw);
  });

  test('the same input and clock give the same output', () => {
    expect(run(SEED_EVENT)).toEqual(run(structuredClone(SEED_EVENT)));
  });
});

describe('default blueprint: one row per Signal event', () => {
  test.each<[string, Record<string, unknown>, string, string]>([
    ['purchase', { event: 'purchase' }, 'Purchase', 'OFF_AMAZON_PURCHASES'],
    ['add_to_cart', { event: 'add_to_cart' }, 'AddToCart', 'ADD_TO_SHOPPING_CART'],
    ['page_view', { event: 'page_view' }, 'DetailPageView', 'PAGE_VIEW'],
    ['a page event', { type: 'page', event: undefined, name: 'Home' }, 'DetailPageView', 'PAGE_VIEW'],
    ['sign_up', { event: 'sign_up' }, 'Subscribe', 'SUBSCRIBE'],
    ['view_item', { event: 'view_item' }, 'ViewItem', 'PAGE_VIEW'],
    ['begin_checkout', { event: 'begin_checkout' }, 'Checkout', 'CHECKOUT'],
    ['add_payment_info', { event: 'add_payment_info' }, 'AddPaymentInfo', 'CHECKOUT'],
    ['generate_lead', { event: 'generate_lead' }, 'Lead', 'LEAD'],
    ['search', { event: 'search' }, 'Search', 'SEARCH'],
    ['contact', { event: 'contact' }, 'Contact', 'CONTACT'],
    ['submit_application', { event: 'submit_application' }, 'Application', 'APPLICATION'],
    ['Segment "Order Completed"', { event: 'Order Completed' }, 'Purchase', 'OFF_AMAZON_PURCHASES'],
    ['snake_case order_completed', { event: 'order_completed' }, 'Purchase', 'OFF_AMAZON_PURCHASES'],
    ['Segment "Product Added"', { event: 'Product Added' }, 'AddToCart', 'ADD_TO_SHOPPING_CART'],
    ['Segment "Checkout Started"', { event: 'Checkout Started' }, 'Checkout', 'CHECKOUT'],
    ['Segment "Products Searched"', { event: 'Products Searched' }, 'Search', 'SEARCH'],
    ['Segment "Lead Submitted"', { event: 'Lead Submitted' }, 'Lead', 'LEAD'],
    ['snake_case product_viewed', { event: 'product_viewed' }, 'ViewItem', 'PAGE_VIEW'],
  ])('%s', (_label, patch, name, conversionType) => {
    const event = ok(seedWith(patch));
    expect(event.eventDescription).toMatchObject({ name, conversionType, eventSource: 'WEBSITE' });
    // Amazon takes a value on every conversion type (a score for leads); money fields on purchases only.
    expect(event.value).toBe(129.99);
    const purchase = conversionType === 'OFF_AMAZON_PURCHASES';
    expect([event.currencyCode, event.unitsSold]).toEqual(purchase ? ['USD', 1] : [undefined, undefined]);
  });

  test.each<[string, Record<string, unknown>, Partial<AmazonEvent>]>([
    ['transaction_id is the eventId of a purchase', {}, { eventId: 'T-1001' }],
    [
      'without transaction_id, order_id',
      { properties: { transaction_id: undefined, order_id: 'O-7' } },
      { eventId: 'O-7' },
    ],
    [
      'without either, the messageId',
      { properties: { transaction_id: undefined } },
      { eventId: SEED_EVENT.messageId },
    ],
    [
      'a numeric transaction id becomes a string',
      { properties: { transaction_id: 1001 } },
      { eventId: '1001' },
    ],
    [
      'units are the sum of item quantities',
      {
        properties: {
          items: [
            { item_id: 'a', quantity: 2 },
            { item_id: 'b', quantity: 3 },
          ],
        },
      },
      { unitsSold: 5 },
    ],
    ['a lower-case currency is upper-cased', { properties: { currency: 'eur' } }, { currencyCode: 'EUR' }],
    ['a value sent as a numeric string is a number', { properties: { value: '49.90' } }, { value: 49.9 }],
    ['floating-point noise is rounded to cents', { properties: { value: 0.1 + 0.2 } }, { value: 0.3 }],
    [
      'the address country comes before the browser locale (an en-GB browser in the US is in the US)',
      { context: { locale: 'en-GB', consent: { canonical: { marketing: true } } } },
      { countryCode: 'US' },
    ],
    [
      'without an address country, the country comes from the locale',
      {
        traits: { address: { country: undefined } },
        context: { locale: 'en-GB', consent: { canonical: { marketing: true } } },
      },
      { countryCode: 'GB' },
    ],
    [
      'without a locale, from the address country',
      { context: { locale: undefined }, traits: { address: { country: 'CA' } } },
      { countryCode: 'CA' },
    ],
    [
      'a locale that names no country gives way to the address country',
      { context: { locale: 'tlh' }, traits: { address: { country: 'CA' } } },
      { countryCode: 'CA' },
    ],
    [
      'an aref click token is passed on',
      { context: { page: { url: 'https://shop.example/?aref=Ab3dE5gH1j.1767225600000' } } },
      { arefMeasurementTokens: 'Ab3dE5gH1j.1767225600000' },
    ],
    [
      'an epoch-millisecond timestamp is accepted',
      { timestamp: NOW - 3600_000 },
      { eventTime: new Date(NOW - 3600_000).toISOString() },
    ],
  ])('%s', (_label, patch, expected) => {
    expect(ok(seedWith(patch))).toMatchObject(expected);
  });

  test('a page view of a user with no traits still matches by IP', () => {
    const event = ok({
      type: 'page',
      name: 'Home',
      context: { ip: '198.51.100.7', locale: 'en-US', consent: { canonical: { marketing: true } } },
      timestamp: SEED_EVENT.timestamp,
      messageId: 'm-1',
    });
    expect(event.matchKeys).toEqual([{ type: 'FIP', values: ['198.51.100.7'] }]);
    expect(event.eventId).toBe('m-1');
  });

  test('a pre-hashed email is passed through, not hashed twice', () => {
    const hashed = sha('jane.doe@example.com').toUpperCase();
    const event = ok(seedWith({ traits: { email: hashed } }));
    expect(event.matchKeys[0]).toEqual({ type: 'EMAIL', values: [hashed.toLowerCase()] });
  });

  test('the installation config adds data set name and limited data use', () => {
    const event = ok(
      SEED_EVENT,
      installationFor('default', { data_set_name: 'Web_Orders', limited_data_use: true }),
    );
    expect(event.eventDescription.dataSetName).toBe('Web_Orders');
    expect(event.dataProcessingOptions).toEqual({ options: 'LIMITED_DATA_USE' });
  });

  test('each installation object gives its own settings and custom events, also when it shares an id', () => {
    const noCountry = seedWith({
      context: { locale: undefined },
      traits: { address: { country: undefined } },
    });
    const first = installationFor('default', { default_country: 'CA' });
    // Two dry runs of `local_default`, or a stored installation read again, share an id.
    const next: Installation = {
      ...first,
      config: {
        ...first.config,
        consent_default: 'denied',
        default_country: 'FR',
        data_set_name: 'Web_Orders',
        limited_data_use: true,
        custom_events: { trial_started: { vendor_event_name: 'Trial', conversion_type: 'SIGN_UP' } },
      },
    };
    expect(ok(noCountry, first)).toMatchObject({ countryCode: 'CA' });
    const event = ok(noCountry, next);
    expect(event).toMatchObject({
      countryCode: 'FR',
      dataProcessingOptions: { options: 'LIMITED_DATA_USE' },
    });
    expect(event.eventDescription.dataSetName).toBe('Web_Orders');
    expect(ok(noCountry, first)).not.toHaveProperty('dataProcessingOptions');
    // consent_default denied: a US event without a consent signal says DENIED for `next` only.
    const noConsent = seedWith({ context: { consent: undefined } });
    expect(ok(noConsent, first).consent).toEqual({ geo: { ipAddress: '203.0.113.42' } });
    expect(ok(noConsent, next).consent?.amazonConsent).toEqual({
      amznUserData: 'DENIED',
      amznAdStorage: 'DENIED',
    });
    const trial = seedWith({ event: 'trial_started' });
    expect(run(trial, first)).toMatchObject({ status: 'filtered', reason: { code: 'EVENT_NOT_MAPPED' } });
    expect(ok(trial, next).eventDescription.name).toBe('Trial');
  });

  test('unmapped events are filtered, not sent', () => {
    expect(run(seedWith({ event: 'newsletter_opened' }))).toEqual({
      status: 'filtered',
      reason: {
        code: 'EVENT_NOT_MAPPED',
        message: 'No blueprint entry maps "newsletter_opened"; unmapped events are dropped.',
      },
    });
  });
});

describe('other variants', () => {
  test('offline: event source OFFLINE, the order id as it is as eventId, no IP or user agent', () => {
    const event = ok(seedWith({ properties: { order_id: 'STORE-42' } }), installationFor('offline'));
    expect(event.eventDescription).toMatchObject({ name: 'OfflinePurchase', eventSource: 'OFFLINE' });
    expect(event.eventId).toBe('STORE-42');
    expect(event.matchKeys.map((k) => k.type)).not.toContain('FIP');
    expect(event.deviceInfo).toBeUndefined();
  });

  test.each<[string, string, string]>([
    ['Android', 'ANDROID', 'adid-1234'],
    ['iOS', 'IOS', '6D92078A-8246-4BA4-AE5B-76104861E7DC'],
    ['Fire OS', 'FIRE_TV', 'fire-ad-id-1'],
  ])('mobile_app on %s: first open, MAID and the event source from the device', (os, source, adId) => {
    const app = {
      type: 'track',
      event: 'Application Installed',
      context: {
        os: { name: os },
        device: { advertising_id: adId },
        locale: 'en-US',
        consent: { canonical: { marketing: true } },
      },
      timestamp: SEED_EVENT.timestamp,
      messageId: 'm-2',
    };
    const event = ok(app, installationFor('mobile_app'));
    expect(event.eventDescription).toMatchObject({
      name: 'FirstOpen',
      conversionType: 'MOBILE_APP_FIRST_START',
      eventSource: source,
    });
    expect(event.matchKeys).toEqual([{ type: 'MAID', values: [adId] }]);
  });

  test('mobile_app without a known operating system is invalid, with the field to fix', () => {
    const result = run(
      {
        event: 'first_open',
        context: { device: { advertising_id: 'x1' }, locale: 'en-US' },
        timestamp: SEED_EVENT.timestamp,
      },
      installationFor('mobile_app'),
    );
    expect(result).toMatchObject({
      status: 'invalid',
      error: { code: 'EVENT_SOURCE_MISSING', field: 'eventDescription.eventSource' },
    });
  });
});

describe('custom events from the install config', () => {
  const custom = installationFor('default', {
    custom_events: {
      trial_started: {
        vendor_event_name: 'TrialStarted',
        conversion_type: 'SIGN_UP',
        aliases: ['Trial Started'],
      },
      wishlist_add: {
        vendor_event_name: 'Wishlist',
        conversion_type: 'OTHER',
        mappings: [
          { source: 'properties.item_id', target: 'customData.productId', transform: 'custom_data_value' },
        ],
      },
      purchase: {
        vendor_event_name: 'WebOrder',
        conversion_type: 'OFF_AMAZON_PURCHASES',
        mappings: [
          { source: 'properties.value', target: 'value', transform: 'number' },
          { source: 'properties.currency', target: 'currencyCode', transform: 'upper' },
          { source: 'properties.transaction_id', target: 'eventId', transform: 'string' },
        ],
      },
      search: { vendor_event_name: 'Search', conversion_type: 'SEARCH', enabled: false },
    },
  });

  test.each<[string, Record<string, unknown>, Partial<AmazonEvent['eventDescription']>]>([
    [
      'a new event to an Amazon type',
      { event: 'trial_started' },
      { name: 'TrialStarted', conversionType: 'SIGN_UP' },
    ],
    ['its alias', { event: 'Trial Started' }, { name: 'TrialStarted', conversionType: 'SIGN_UP' }],
    [
      'an event of no Amazon type as OTHER',
      { event: 'wishlist_add', properties: { item_id: 'SKU 9' } },
      { name: 'Wishlist', conversionType: 'OTHER' },
    ],
    [
      'an override of a shipped entry',
      { event: 'purchase' },
      { name: 'WebOrder', conversionType: 'OFF_AMAZON_PURCHASES' },
    ],
    [
      'the overridden entry keeps its shipped aliases',
      { event: 'Order Completed' },
      { name: 'WebOrder', conversionType: 'OFF_AMAZON_PURCHASES' },
    ],
  ])('%s', (_label, patch, description) => {
    expect(ok(seedWith(patch), custom).eventDescription).toMatchObject(description);
  });

  test('a disabled entry is filtered with its reason', () => {
    expect(run(seedWith({ event: 'search' }), custom)).toMatchObject({
      status: 'filtered',
      reason: { code: 'EVENT_DISABLED' },
    });
  });
});

describe('consent', () => {
  /** An event from the country of the locale (its address there too), with the given consent. */
  const eu = (consent: unknown, locale = 'de-DE') =>
    seedWith(
      { context: { locale, consent }, traits: { address: { country: locale.slice(3) } } },
      seedWith({ context: { consent: undefined } }),
    );
  test.each<[string, unknown, string, TransformResult['status'], unknown]>([
    [
      'US, marketing granted',
      { canonical: { marketing: true } },
      'en-US',
      'ok',
      { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ],
    [
      "US, no consent signal: sent with the IP only, as Amazon's tag sends it, never as GRANTED",
      undefined,
      'en-US',
      'ok',
      {},
    ],
    [
      'US, marketing refused: filtered',
      { canonical: { marketing: false } },
      'en-US',
      'filtered',
      'CONSENT_DENIED',
    ],
    ['DE, no consent signal: filtered', undefined, 'de-DE', 'filtered', 'CONSENT_MISSING'],
    ['GB, no consent signal: filtered', {}, 'en-GB', 'filtered', 'CONSENT_MISSING'],
    [
      'DE, marketing granted',
      { canonical: { marketing: true } },
      'de-DE',
      'ok',
      { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ],
    ['DE, marketing refused', { canonical: { marketing: false } }, 'de-DE', 'filtered', 'CONSENT_DENIED'],
    [
      'DE, legacy advertising flag granted',
      { advertising: true },
      'de-DE',
      'ok',
      { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ],
    ['DE, legacy marketing flag refused', { marketing: false }, 'de-DE', 'filtered', 'CONSENT_DENIED'],
    [
      'DE, only a TCF string: sent with it, no invented amazonConsent',
      { tcf_string: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
      'de-DE',
      'ok',
      { tcf: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
    ],
    [
      'FR, only a GPP string',
      { gpp_string: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
      'fr-FR',
      'ok',
      { gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
    ],
    [
      'DE, TCF and GPP: TCF wins',
      { tcf_string: 'TCFSTRING', gpp_string: 'GPPSTRING' },
      'de-DE',
      'ok',
      { tcf: 'TCFSTRING' },
    ],
  ])('%s', (_label, consent, locale, status, expected) => {
    const result = run(eu(consent, locale));
    expect(result).toEqual(
      status === 'ok'
        ? {
            status,
            event: expect.objectContaining({
              consent: { ...(expected as object), geo: { ipAddress: '203.0.113.42' } },
            }),
          }
        : { status, reason: { code: expected, message: expect.any(String) } },
    );
    expect(result.status === 'ok' ? errorsAgainst('EventCreate', result.event) : []).toEqual([]);
  });

  test('US, no signal and no IP: no consent object at all; consent_default denied keeps the old DENIED', () => {
    const bare = seedWith({ context: { consent: undefined, ip: undefined } });
    const result = run(bare);
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.status === 'ok' && result.event).not.toHaveProperty('consent');
    expect(run(bare, installationFor('default', { consent_default: 'denied' }))).toMatchObject({
      status: 'ok',
      event: { consent: { amazonConsent: { amznUserData: 'DENIED', amznAdStorage: 'DENIED' } } },
    });
    // A refusal is never softened by the default, and a grant never invented.
    const refused = seedWith({ context: { consent: { canonical: { marketing: false } } } });
    expect(run(refused)).toMatchObject({ status: 'filtered', reason: { code: 'CONSENT_DENIED' } });
  });

  test("the event's country decides, not the installation's region: an EU-region install sends a US event without a signal", () => {
    const euInstall = installationFor('default', {}, 'EU');
    const noSignal = seedWith({ context: { consent: undefined } });
    expect(ok(noSignal, euInstall).consent).toEqual({ geo: { ipAddress: '203.0.113.42' } });
    const german = seedWith({ context: { consent: undefined }, traits: { address: { country: 'DE' } } });
    expect(run(german, euInstall)).toMatchObject({ status: 'filtered', reason: { code: 'CONSENT_MISSING' } });
    expect(run(german, web)).toMatchObject({ status: 'filtered', reason: { code: 'CONSENT_MISSING' } });
  });
});

describe('a purchase without a currency', () => {
  const noCurrency = seedWith({ properties: { currency: undefined } });
  const withProfileCurrency = (currencyCode: string | undefined, config = {}) => {
    const installation = installationFor('default', config);
    return { ...installation, profile: { ...installation.profile, currencyCode } };
  };
  test.each<[string, ReturnType<typeof withProfileCurrency>, string]>([
    ["takes the profile's currency, resolved at install", withProfileCurrency('EUR'), 'EUR'],
    [
      'takes default_currency when the profile has none',
      withProfileCurrency(undefined, { default_currency: 'GBP' }),
      'GBP',
    ],
    [
      "takes the profile's over default_currency",
      withProfileCurrency('JPY', { default_currency: 'GBP' }),
      'JPY',
    ],
  ])('%s', (_label, installation, currency) => {
    const result = run(noCurrency, installation);
    expect(result).toMatchObject({ status: 'ok', event: { currencyCode: currency, value: 129.99 } });
    expect(result.status === 'ok' && errorsAgainst('EventCreate', result.event)).toEqual([]);
  });

  test('keeps its own currency, and other conversion types get none', () => {
    const installation = withProfileCurrency('EUR');
    expect(run(SEED_EVENT, installation)).toMatchObject({ event: { currencyCode: 'USD' } });
    const signUp = run(seedWith({ event: 'sign_up' }), installation);
    expect(signUp.status === 'ok' && signUp.event).not.toHaveProperty('currencyCode');
  });
});

describe('validation before sending: one typed answer with the field to fix', () => {
  test.each<[string, unknown, string, string | undefined]>([
    ['not an object', [1, 2], 'EVENT_NOT_OBJECT', undefined],
    ['a track event without a name', seedWith({ event: undefined }), 'EVENT_NAME_MISSING', 'event'],
    [
      'no match key at all',
      {
        event: 'purchase',
        properties: { value: 1, currency: 'USD' },
        context: { locale: 'en-US' },
        timestamp: SEED_EVENT.timestamp,
      },
      'NO_MATCH_KEYS',
      'matchKeys',
    ],
    [
      'a timestamp that is not RFC 3339',
      seedWith({ timestamp: '25/02/2026 14:30' }),
      'EVENT_TIME_INVALID',
      'timestamp',
    ],
    [
      'a timestamp with a day out of range (Date.parse would move it to 1 March)',
      seedWith({ timestamp: '2026-02-30T10:00:00.000Z' }),
      'EVENT_TIME_INVALID',
      'timestamp',
    ],
    ['no timestamp (nor receivedAt)', seedWith({ timestamp: undefined }), 'TIMESTAMP_MISSING', 'timestamp'],
    [
      'an event older than 21 days',
      seedWith({ timestamp: new Date(NOW - 22 * 86400_000).toISOString() }),
      'EVENT_TOO_OLD',
      'eventTime',
    ],
    [
      'an event an hour in the future',
      seedWith({ timestamp: new Date(NOW + 3600_000).toISOString() }),
      'EVENT_IN_FUTURE',
      'eventTime',
    ],
    [
      'no country anywhere',
      seedWith({ context: { locale: undefined }, traits: { address: { country: undefined } } }),
      'COUNTRY_MISSING',
      'countryCode',
    ],
    [
      'a country named that is no country',
      seedWith({ context: { locale: undefined }, traits: { address: { country: 'Atlantis' } } }),
      'COUNTRY_MISSING',
      'countryCode',
    ],
    [
      'a value that is not a number',
      seedWith({ properties: { value: 'lots' } }),
      'VALUE_INVALID',
      'properties.value',
    ],
    ['a value with three decimals', seedWith({ properties: { value: 19.999 } }), 'VALUE_INVALID', 'value'],
    ['a negative purchase value', seedWith({ properties: { value: -5 } }), 'VALUE_INVALID', 'value'],
    [
      'an unknown currency',
      seedWith({ properties: { currency: 'XYZ' } }),
      'CURRENCY_INVALID',
      'currencyCode',
    ],
    [
      'a purchase value without currency',
      seedWith({ properties: { currency: undefined } }),
      'CURRENCY_INVALID',
      'currencyCode',
    ],
    [
      'fractional units',
      seedWith({ properties: { items: [{ quantity: 1.5 }] } }),
      'UNITS_INVALID',
      'unitsSold',
    ],
    ['zero units', seedWith({ properties: { items: [{ quantity: 0 }] } }), 'UNITS_INVALID', 'unitsSold'],
    [
      'a quantity that is not a number',
      seedWith({ properties: { items: [{ quantity: 'two' }] } }),
      'UNITS_INVALID',
      'properties.items.*.quantity',
    ],
    [
      'an eventId over 256 characters',
      seedWith({ properties: { transaction_id: 'x'.repeat(257) } }),
      'EVENT_ID_INVALID',
      'eventId',
    ],
  ])('%s → %s', (_label, event, code, field) => {
    // A profile without a marketplace country: an event without one of its own has none to fall back on.
    const result = run(event, { ...web, profile: { ...web.profile, countryCode: '' } });
    expect(result).toMatchObject({ status: 'invalid', error: { code } });
    expect(result.status === 'invalid' && result.error.field).toBe(field);
    expect(result.status === 'invalid' && result.error.message.length).toBeGreaterThan(15);
  });

  // The config and blueprint schemas refuse these entries; an entry compiled unchecked still sends nothing.
  test.each([
    [
      'an event name with a forbidden character',
      'Buy!',
      'size',
      'EVENT_NAME_INVALID',
      'eventDescription.name',
    ],
    ['an empty event name', '', 'size', 'EVENT_NAME_INVALID', 'eventDescription.name'],
    [
      'an event name over 256 characters',
      'B'.repeat(257),
      'size',
      'EVENT_NAME_INVALID',
      'eventDescription.name',
    ],
    ['a customData name with a space', 'Buy', 'shoe size', 'CUSTOM_DATA_INVALID', 'customData'],
    ['a customData name with an accent', 'Buy', 'taille_é', 'CUSTOM_DATA_INVALID', 'customData'],
  ])('an entry with %s makes every event of it invalid', (_case, name, dataName, code, field) => {
    const install = installationFor('default', {
      custom_events: {
        buy: {
          vendor_event_name: name,
          conversion_type: 'OTHER',
          mappings: [{ source: 'properties.size', target: `customData.${dataName}` }],
        },
      },
    });
    for (const properties of [{ size: '42' }, {}]) {
      const result = run(seedWith({ event: 'buy', properties }), install);
      expect(result).toMatchObject({ status: 'invalid', error: { code } });
      expect(result.status === 'invalid' && result.error.field).toBe(field);
    }
  });

  test('custom data over 13 entries are caught', () => {
    const many = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`c${i}`, i]));
    const mappings = Object.keys(many).map((k) => ({
      source: `properties.${k}`,
      target: `customData.${k}`,
      transform: 'custom_data_value',
    }));
    const install = installationFor('default', {
      custom_events: { big: { vendor_event_name: 'Big', conversion_type: 'OTHER', mappings } },
    });
    expect(run(seedWith({ event: 'big', properties: many }), install)).toMatchObject({
      status: 'invalid',
      error: { code: 'CUSTOM_DATA_INVALID' },
    });
  });

  test.each([
    ['countryCode', 'a number', 42, 'COUNTRY_MISSING'],
    ['countryCode', 'an object', { code: 'US' }, 'COUNTRY_MISSING'],
    ['countryCode', 'a list', ['US'], 'COUNTRY_MISSING'],
    ['countryCode', 'true', true, 'COUNTRY_MISSING'],
    ['eventDescription.eventSource', 'a source Amazon does not know', 'WEB', 'EVENT_SOURCE_MISSING'],
    ['eventDescription.eventSource', 'a list', ['WEBSITE'], 'EVENT_SOURCE_MISSING'],
    ['eventId', 'a list', ['order-1'], 'EVENT_ID_INVALID'],
    ['value', 'text', '12.50', 'VALUE_INVALID'],
    ['value', 'an object', { amount: 12.5 }, 'VALUE_INVALID'],
    ['value', 'true', true, 'VALUE_INVALID'],
    ['value', 'a number too large for cents', 1e307, 'VALUE_INVALID'],
  ])(
    '%s: a row without a transform that gives %s is invalid, not sent or thrown',
    (target, _case, given, code) => {
      const install = installationFor('default', {
        custom_events: {
          odd: {
            vendor_event_name: 'Odd',
            conversion_type: 'OFF_AMAZON_PURCHASES',
            mappings: [{ source: 'properties.given', target }],
          },
        },
      });
      // No value of its own (a global row would map it), so the only problem is the row under test.
      const properties = target === 'value' ? { given } : { given, value: undefined };
      expect(run(seedWith({ event: 'odd', properties }), install)).toMatchObject({
        status: 'invalid',
        error: { code, field: target },
      });
    },
  );

  test('one bad event never affects another', () => {
    const results = [seedWith({ properties: { value: 'bad' } }), SEED_EVENT, 'junk', SEED_EVENT].map(
      (e) => run(e).status,
    );
    expect(results).toEqual(['invalid', 'ok', 'invalid', 'ok']);
  });
});
