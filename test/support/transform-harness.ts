import 'reflect-metadata';
import { createDestination } from '../../plugin/di/container.js';
import { createLogger } from '../../plugin/logging/logger.js';
import { regionHostsFromBase } from '../../plugin/host-settings.js';
import type { Installation } from '../../plugin/installation.js';
import type { AmazonDspConfig } from '../../plugin/config.js';
import type { Region } from '../../plugin/constants.js';
import type { Blueprint } from '../../plugin/transform/model.js';
import { findVariant } from '../../plugin/catalog/manifest.js';
import { Writable } from 'node:stream';

/** The clock of transform tests: a day after the seed event's timestamp. */
export const NOW = Date.parse('2026-02-26T12:00:00.000Z');

export const destination = createDestination({
  hostSettings: {
    regionHosts: regionHostsFromBase('http://127.0.0.1:9'),
    lwaTokenUrl: 'http://127.0.0.1:9/auth/o2/token',
    requestTimeoutMs: 1000,
  },
  clock: { now: () => NOW, sleep: async () => {} },
  logger: createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) }),
});

let counter = 0;
/** An installation as install would resolve it, built directly: transform needs no network. */
export function installationFor(
  variant = 'default',
  config: Partial<AmazonDspConfig> = {},
  region: Region = 'NA',
): Installation {
  return {
    id: `inst_test_${++counter}`,
    catalogKey: 'amazon_dsp',
    name: 'Amazon DSP Events',
    variant,
    blueprint: findVariant(variant)!.blueprint,
    region,
    apiHost: 'http://127.0.0.1:9/na',
    clientId: 'amzn1.application-oa2-client.sandboxdemo',
    clientIdSource: 'host',
    advertiser: { configured: 'ENTITY1234ABCD', accountId: '5830921746193' },
    profile: { profileId: '1234567890', countryCode: 'US' },
    config: {
      advertiser_id: 'ENTITY1234ABCD',
      profile_id: '1234567890',
      access_token: 'Atza|IwEBIA...',
      ...config,
    },
    warnings: [],
    installedAt: new Date(NOW).toISOString(),
  };
}

/** The canonical event of Signal's host documentation (signal-host.md), verbatim. */
export const SEED_EVENT = {
  type: 'track',
  event: 'purchase',
  properties: {
    transaction_id: 'T-1001',
    value: 129.99,
    currency: 'USD',
    tax: 8.5,
    shipping: 5,
    items: [
      {
        item_id: 'SKU-001',
        item_name: 'Trail shoe',
        item_brand: 'Acme',
        item_category: 'Shoes',
        price: 79.99,
        quantity: 1,
      },
    ],
  },
  userId: 'user_98765',
  anonymousId: 'anon_a1b2c3d4',
  traits: {
    email: 'Jane.Doe@Example.com',
    phone: '+1 (555) 010-4477',
    first_name: 'Jane',
    last_name: 'Doe',
    address: {
      street: '123 Main Street',
      city: 'Seattle',
      state: 'Washington',
      postal_code: '98101-1234',
      country: 'US',
    },
  },
  context: {
    page: {
      url: 'https://shop.example/checkout/done?aref=abc',
      path: '/checkout/done',
      referrer: '',
      title: 'Thanks',
      search: '?aref=abc',
    },
    device: { type: 'desktop', advertising_id: null },
    locale: 'en-US',
    ip: '203.0.113.42',
    userAgent: 'Mozilla/5.0 …',
    timezone: 'America/Los_Angeles',
    consent: {
      canonical: {
        essential: true,
        functional: true,
        analytics: true,
        marketing: true,
        personalization: false,
      },
      categories: { C0004: true },
    },
    vendor_ids: {},
  },
  timestamp: '2026-02-25T14:30:00.000Z',
  messageId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
};

type Json = Record<string, unknown>;
/** The seed event with some fields replaced (deep merge of plain objects; `undefined` deletes). */
export function seedWith(patch: Json, base: Json = SEED_EVENT as unknown as Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object')
      out[k] = seedWith(v as Json, base[k] as Json);
    else out[k] = v;
  }
  return out;
}

/**
 * A blueprint of one offline `lead` (event source, time and e-mail) with `mapping` as its last row: for tests
 * of one row feature.
 */
export const leadBlueprint = (name: string, mapping: Record<string, unknown>): Blueprint =>
  (<unknown>{
    version: 2,
    name,
    global: { mappings: [] },
    defaults: { action: 'drop' },
    events: {
      lead: {
        vendor_event_name: 'Lead',
        conversion_type: 'LEAD',
        mappings: [
          { value: 'OFFLINE', target: 'eventDescription.eventSource' },
          { source: 'timestamp', target: 'eventTime', transform: 'iso_datetime' },
          { source: 'traits.email', target: 'matchKeys.EMAIL' },
          mapping,
        ],
      },
    },
  }) as Blueprint;
