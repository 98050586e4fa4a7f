import { destination, installationFor, seedWith, SEED_EVENT } from './support/transform-harness.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import type { AmazonEvent } from '../plugin/amazon/event-types.js';

/**
 * Pairing with the Amazon Ad Tag: every variant takes `eventId` from `properties.amazon_event_id` (the id the
 * page gave the Ad Tag) when the event carries one, for every event type, before its own sources; without it,
 * each event type keeps the source it had (docs/ad-tag.md).
 */
const AD_TAG_ID = 'adtag-7f3c9e21';
const IDS = {
  transaction_id: 'T-1001',
  order_id: 'O-2002',
  lead_id: 'L-3003',
  member_id: 'M-4004',
  application_id: 'A-5005',
};
const MESSAGE_ID = SEED_EVENT.messageId;

/** Per variant and event type: the eventId an event gets without an Ad Tag id. */
const WITHOUT_AD_TAG_ID: Record<string, Record<string, string>> = {
  default: {
    purchase: IDS.transaction_id,
    add_to_cart: MESSAGE_ID,
    page_view: MESSAGE_ID,
    view_item: MESSAGE_ID,
    sign_up: MESSAGE_ID,
    begin_checkout: MESSAGE_ID,
    add_payment_info: MESSAGE_ID,
    generate_lead: MESSAGE_ID,
    search: MESSAGE_ID,
    contact: MESSAGE_ID,
    submit_application: MESSAGE_ID,
  },
  mobile_app: {
    first_open: MESSAGE_ID,
    purchase: IDS.transaction_id,
    add_to_cart: MESSAGE_ID,
    screen_view: MESSAGE_ID,
    sign_up: MESSAGE_ID,
    begin_checkout: MESSAGE_ID,
    search: MESSAGE_ID,
  },
  // An order id is the one id the web and the Ad Tag share: sent as it is. Other offline business ids are
  // namespaced by conversion type; a sign-up never takes the member id (a person).
  offline: {
    purchase: IDS.order_id,
    generate_lead: `lead:${IDS.lead_id}`,
    sign_up: `signup:${MESSAGE_ID}`,
    submit_application: `application:${IDS.application_id}`,
  },
};

const blueprintEvents = (variant: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'blueprints', `${variant}.json`), 'utf8')).events;

const ROWS = Object.entries(WITHOUT_AD_TAG_ID).flatMap(([variant, events]) =>
  Object.entries(events).map(([name, fallback]) => [variant, name, fallback] as const),
);

function eventIdOf(variant: string, name: string, properties: Record<string, unknown>): string | undefined {
  const event = seedWith({
    event: name,
    properties: { ...properties },
    context: { device: { type: 'ios', advertising_id: '6D92078A-8246-4BA4-AE5B-76104861E7DC' } },
  });
  const result = destination.transform(event, installationFor(variant));
  if (result.status !== 'ok') throw new Error(`${variant} ${name}: ${JSON.stringify(result)}`);
  return (result.event as AmazonEvent).eventId;
}

describe('the Ad Tag id pairs every event type of every variant', () => {
  test('the table names every event type of every shipped variant', () => {
    for (const [variant, events] of Object.entries(WITHOUT_AD_TAG_ID))
      expect(Object.keys(events).sort()).toEqual(Object.keys(blueprintEvents(variant)).sort());
  });

  test.each(ROWS)('%s %s: properties.amazon_event_id comes first', (variant, name) => {
    expect(eventIdOf(variant, name, { ...IDS, amazon_event_id: AD_TAG_ID })).toBe(AD_TAG_ID);
  });

  test.each(ROWS)('%s %s: without it, the event keeps its own id (%s)', (variant, name, fallback) => {
    expect(eventIdOf(variant, name, { ...IDS })).toBe(fallback);
  });

  test.each<[string, unknown, string]>([
    ['an empty id gives way to the next source', '', IDS.transaction_id],
    ['a blank id gives way to the next source', '   ', IDS.transaction_id],
    ['a number is taken as its text', 90210, '90210'],
    ['an object is not an id', { id: 'x' }, IDS.transaction_id],
  ])('%s', (_label, value, expected) => {
    expect(eventIdOf('default', 'purchase', { ...IDS, amazon_event_id: value })).toBe(expected);
  });
});

describe('the click token: the current URL first, then the one the host remembered', () => {
  const TOKEN_NOW = 'Ab3dE5gH1j.1767225600000';
  const TOKEN_REMEMBERED = 'Zy9xW8vU7t.1767139200000';
  /** `n` pairs of click tokens, pipe-separated. */
  const pairs = (n: number) => Array(n).fill(TOKEN_NOW).join('|');
  test.each<[string, Record<string, unknown>, string | undefined]>([
    [
      'the URL token wins over the remembered one',
      { url: `https://shop.example/p?aref=${TOKEN_NOW}`, remembered: TOKEN_REMEMBERED },
      TOKEN_NOW,
    ],
    [
      'without a token in the URL, the remembered one',
      { url: 'https://shop.example/thanks', remembered: TOKEN_REMEMBERED },
      TOKEN_REMEMBERED,
    ],
    [
      'a malformed token in the URL gives way to the remembered one',
      { url: 'https://shop.example/p?aref=short.1', remembered: TOKEN_REMEMBERED },
      TOKEN_REMEMBERED,
    ],
    [
      'a remembered value that is not a token is not sent',
      { url: 'https://shop.example/thanks', remembered: 'aref=<script>' },
      undefined,
    ],
    ['neither: no token', { url: 'https://shop.example/thanks' }, undefined],
    // At most 10 pairs (MAX_AREF_PAIRS), the bound the host's memory keeps too.
    ['ten pairs in the URL: sent', { url: `https://shop.example/p?aref=${pairs(10)}` }, pairs(10)],
    [
      'eleven pairs in the URL: no click token',
      { url: `https://shop.example/p?aref=${pairs(11)}` },
      undefined,
    ],
    [
      'thirteen pairs in the URL: no click token',
      { url: `https://shop.example/p?aref=${pairs(13)}` },
      undefined,
    ],
    [
      'thirteen pairs in the URL give way to the remembered token',
      { url: `https://shop.example/p?aref=${pairs(13)}`, remembered: TOKEN_REMEMBERED },
      TOKEN_REMEMBERED,
    ],
    [
      'thirteen pairs remembered: not sent',
      { url: 'https://shop.example/thanks', remembered: pairs(13) },
      undefined,
    ],
  ])('%s', (_label, { url, remembered }, expected) => {
    const event = seedWith({
      context: {
        page: { url, search: undefined },
        vendor_ids: remembered ? { amazon_aref: remembered } : {},
      },
    });
    const result = destination.transform(event, installationFor('default'));
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.event.arefMeasurementTokens).toBe(expected);
  });
});
