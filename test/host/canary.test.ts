import { Writable } from 'node:stream';
import { createLogger } from '../../plugin/index.js';
import { HIDDEN_FIELDS, reasonForView, redactForView, REDACTED } from '../../host/pipeline/view-redaction.js';
import { startHost, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * Canary values in every place a raw event can hold personal data, sent through ingestion: not one may be read
 * back from any admin answer, /metrics, the probes, the live stream or the logs, in any spelling (as sent,
 * decoded, or the word `canary` anywhere).
 */
const C = {
  // Fields that name personal data.
  email: 'canary.person@example.org',
  phone: '+1 415 555 0199',
  digits: '4155550188',
  first: 'Canaryfirst',
  last: 'Canarylast',
  street: '77 Canary Row',
  city: 'Canaryville',
  postal: '94999',
  birth: '1970-07-07',
  maid: 'CANARY-AD-ID-0001',
  ramp: 'CANARYRAMPID42',
  ip: '198.51.100.77',
  ua: 'CanaryAgent/9.9',
  userId: 'canary-user-7781',
  anonymousId: 'canary-anon-5523',
  // Free text next to the shown fields.
  note: 'call canarynote',
  pageCustomer: 'Canarypagecustomer',
  pageTitle: 'Thanks Canarytitle',
  pageSearch: 'canarypagesearch',
  campaignName: 'canarycampaign-spring',
  campaignSource: 'canarysource',
  campaignMedium: 'canarymedium',
  campaignTerm: 'canaryterm',
  campaignContent: 'canarycontent',
  campaignCustom: 'canarycampaigncustom',
  consentNote: 'canaryconsentnote',
  consentCategory: 'canaryconsentcategory',
  propertiesTitle: 'Canarypropertiestitle',
  propertiesSearch: 'canarypropertiessearch',
  coupon: 'CANARYCOUPON10',
  productName: 'Canaryproduct',
  itemName: 'Canaryitemname',
  // In URLs: query values, encoded e-mails and phones, paths, fragments, user info.
  queryEmail: 'canary.query@example.net',
  encodedEmail: 'canary.encoded%40example.com',
  encodedPhone: '%2B14155550177',
  base64Email: Buffer.from('canary.b64@example.com').toString('base64'),
  pathEmail: 'canary.path@example.com',
  pathPhone: '415-555-0155',
  fragment: 'canaryfragment',
  userInfo: 'canaryuser',
  referrerQuery: 'canaryreferrer',
  // Object keys as sent, deep arrays, and shown fields given another shape.
  keyEmail: 'canary.key@example.org',
  keyPhone: '+14155550166',
  keyName: 'Canarykeyname',
  nestedEmail: 'canary.nested@example.org',
  nestedPhone: '+14155550144',
  orderAsEmail: 'canary.order@example.org',
  quantityAsText: 'canaryquantity',
  // An event name no blueprint maps: its outcome's reason quotes it.
  unmappedEvent: 'canary.event@example.org',
  // An order id Amazon refuses with a message that quotes it (the sandbox's poisoned ids).
  refusedOrder: 'canary.refused@example.org',
};
const PLANTED = 50;

/** Values that fit a shown shape at first sight (an IP host, a name in a version, an id or an Amazon error). */
const L = {
  pageIp: '198.51.100.23',
  referrerIp: '203.0.113.99',
  versionName: 'janedoe',
  messageId: 'jane.doe.example.com',
  transactionPhone: '14155550123',
  orderWithSsn: 'JaneDoe_SSN_078051120',
  eventName: 'Jane Doe Signup',
  amazonText: 'Jane Doe at 203.0.113.5 ssn 078-05-1120 phone 415-555-0199',
  amazonIp: '203.0.113.5',
  amazonSsn: '078-05-1120',
  amazonPhone: '415-555-0199',
  name: 'Jane Doe',
};
const LOOKALIKES = 12;

const event = {
  event: 'purchase',
  userId: C.userId,
  anonymousId: C.anonymousId,
  properties: {
    transaction_id: 'ORDER-7781',
    order_id: C.orderAsEmail,
    value: 12.5,
    currency: 'USD',
    coupon: C.coupon,
    title: C.propertiesTitle,
    search: C.propertiesSearch,
    url: `https://${C.userInfo}:pw@shop.example/checkout/${C.pathEmail}?ref=${C.referrerQuery}&e=${C.base64Email}`,
    path: `/call/${C.pathPhone}/done`,
    referrer: `https://search.example/?q=${C.encodedEmail}`,
    phone_number: C.phone,
    user_data: { phone_number: C.digits, email_address: C.email },
    note: `${C.note} at ${C.phone} or ${C.email}`,
    [C.keyEmail]: 1,
    quantity: C.quantityAsText,
    products: [{ product_id: 'P-1', name: C.productName, price: 12.5, tags: [[C.nestedEmail]] }],
    items: [{ item_id: 'SKU-1', item_name: C.itemName, quantity: 1 }, [[C.nestedPhone]]],
  },
  traits: {
    email: C.email,
    name: `${C.first} ${C.last}`,
    first_name: C.first,
    lastName: C.last,
    Mobile: C.phone,
    'date-of-birth': C.birth,
    dateOfBirth: C.birth,
    address: { street: C.street, city: C.city, postal_code: C.postal, country: 'US' },
    [C.keyName]: true,
  },
  context: {
    locale: 'en-US',
    ip: C.ip,
    userAgent: C.ua,
    device: { advertising_id: C.maid, type: 'ios' },
    vendor_ids: { ramp_id: C.ramp },
    page: {
      url: `https://shop.example/thanks?tel=${C.encodedPhone}&email=${C.queryEmail}#${C.fragment}`,
      path: `/thanks/${C.encodedEmail}`,
      referrer: `https://mail.example/${C.pathEmail}`,
      title: C.pageTitle,
      search: `?q=${C.pageSearch}`,
      customer_name: C.pageCustomer,
      [C.keyPhone]: 'x',
    },
    campaign: {
      name: C.campaignName,
      source: C.campaignSource,
      medium: C.campaignMedium,
      term: C.campaignTerm,
      content: C.campaignContent,
      customer: C.campaignCustom,
    },
    consent: {
      canonical: { marketing: true },
      note: C.consentNote,
      categories: { [C.consentCategory]: true },
    },
  },
};

/** Every spelling of a planted value a reader could recover: as sent, percent-decoded, base64-decoded. */
const spellings = [
  ...Object.values(C),
  ...Object.values(C).map(decodeURIComponent),
  Buffer.from(C.base64Email, 'base64').toString('utf8'),
];
/**
 * Where `text` holds a spelling. An all-digit spelling (the postal code) counts only as a whole word: ids,
 * times and metric values hold five-digit runs by chance.
 */
const holds = (text: string, spelling: string): boolean => {
  if (!/^\d+$/.test(spelling)) return text.includes(spelling);
  for (let at = text.indexOf(spelling); at !== -1; at = text.indexOf(spelling, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + spelling.length] ?? '';
    if (!/[\w.]/.test(before) && !/[\w.]/.test(after)) return true;
  }
  return false;
};

const leaks = (text: string): string[] => [
  ...new Set(spellings.filter((s) => holds(text, s))),
  ...(/canary/i.test(text) ? ['the word canary'] : []),
];

/** Reads the Live Events stream as it comes: the text so far, and `stop()`, which ends it and gives it all. */
async function watchLiveStream(h: HostHarness): Promise<{ text(): string; stop(): Promise<string> }> {
  const response = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const reader = response.body!.getReader();
  let text = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  return {
    text: () => text,
    async stop() {
      await reader.cancel();
      await reading.catch(() => undefined);
      return text;
    },
  };
}

describe('through the host', () => {
  let h: HostHarness;
  let logs: string[];
  beforeEach(async () => {
    logs = [];
    h = await startHost({
      logger: createLogger({
        level: 'debug',
        stream: new Writable({
          write: (chunk, _e, done) => {
            logs.push(chunk.toString());
            done();
          },
        }),
      }),
    });
  });
  afterEach(() => h.close());

  test(`none of ${PLANTED} planted values in any admin answer, /metrics, the live stream or the logs`, async () => {
    const unmapped = { event: C.unmappedEvent, properties: { transaction_id: 'ORDER-7782' } };
    const refused = { ...event, properties: { ...event.properties, transaction_id: C.refusedOrder } };
    const sent = JSON.stringify([event, unmapped, refused]);
    expect(Object.keys(C)).toHaveLength(PLANTED);
    for (const value of Object.values(C)) expect(sent).toContain(value);

    const { body: created } = await h.install();
    const stream = await watchLiveStream(h);
    const id = (await h.ingest('/v1/t', event)).body.ids[0];
    const unmappedId = (await h.ingest('/v1/t', unmapped)).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
    const filtered = await h.waitForOutcome(unmappedId, 'filtered');
    expect(filtered.outcome).toEqual({
      status: 'filtered',
      attempts: 0,
      code: 'EVENT_NOT_MAPPED',
      reason: `No blueprint entry maps "${REDACTED}"; unmapped events are dropped.`,
    });
    const poison = await fetch(`${h.sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ poison_event_ids: [C.refusedOrder] }),
    });
    expect(poison.status).toBe(200);
    const refusedId = (await h.ingest('/v1/t', refused)).body.ids[0];
    const rejected = await h.waitForOutcome(refusedId, 'rejected');
    expect(rejected.outcome.reason).toContain(`Value '${REDACTED}' at 'events.1.member.eventId'`);
    await h.waitFor(
      () => stream.text().includes('"delivered"') || undefined,
      'the delivered entry on the stream',
    );
    const streamed = await stream.stop();

    const answers = await Promise.all(
      [
        '/v1/admin/live-events',
        `/v1/admin/live-events?event_id=${id}`,
        `/v1/admin/integrations/${created.id}`,
        '/v1/admin/integrations',
        `/v1/admin/integrations/${created.id}/delivery-log`,
        `/v1/admin/integrations/${created.id}/dead-letters`,
        `/v1/admin/integrations/${created.id}/match-quality`,
        '/v1/admin/stats',
      ].map(async (path) => JSON.stringify((await h.admin(path)).body)),
    );
    expect(streamed).toContain(id);
    const probes = await Promise.all(
      ['/metrics', '/healthz', '/readyz'].map(async (path) => {
        const r = await fetch(`${h.host.adminUrl}${path}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(r.status).toBe(200);
        return r.text();
      }),
    );
    expect(probes[0]).toContain('amazon_dsp_events_total{outcome="delivered"} 1\n');
    for (const text of [...answers, ...probes, streamed, logs.join('')]) expect(leaks(text)).toEqual([]);

    // What is shown is still useful: what the event is, its order, its amount, products, the page's address.
    const entry = await h.liveEvent(id);
    expect(entry.input).toMatchObject({
      event: 'purchase',
      userId: REDACTED,
      properties: {
        transaction_id: 'ORDER-7781',
        order_id: REDACTED,
        value: 12.5,
        currency: 'USD',
        quantity: REDACTED,
        url: `https://shop.example/checkout/${REDACTED}`,
        path: `/call/${REDACTED}/done`,
        referrer: 'https://search.example/',
        products: [{ product_id: 'P-1', price: 12.5, [HIDDEN_FIELDS]: 2 }],
        items: [{ item_id: 'SKU-1', quantity: 1, [HIDDEN_FIELDS]: 1 }, REDACTED],
        [HIDDEN_FIELDS]: 7,
      },
      traits: { email: REDACTED, name: REDACTED, first_name: REDACTED, lastName: REDACTED },
      context: {
        locale: 'en-US',
        ip: REDACTED,
        device: { type: 'ios', advertising_id: REDACTED },
        page: {
          url: 'https://shop.example/thanks',
          path: `/thanks/${REDACTED}`,
          referrer: `https://mail.example/${REDACTED}`,
          [HIDDEN_FIELDS]: 4,
        },
        consent: { canonical: { marketing: true }, [HIDDEN_FIELDS]: 2 },
        [HIDDEN_FIELDS]: 2,
      },
    });
    expect(Object.keys(entry.input.context)).not.toContain('campaign');
  });

  test(`none of ${LOOKALIKES} values that fit an allowed shape in any admin answer, the live stream or the logs`, async () => {
    expect(Object.keys(L)).toHaveLength(LOOKALIKES);
    const { body: created } = await h.install();
    const stream = await watchLiveStream(h);
    // A name where an event name stands: no blueprint maps it, and its reason quotes it.
    const unmapped = { event: L.eventName, messageId: L.messageId };
    const filteredId = (await h.ingest('/v1/t', unmapped)).body.ids[0];
    expect((await h.waitForOutcome(filteredId, 'filtered')).outcome.reason).toBe(
      `No blueprint entry maps "${REDACTED}"; unmapped events are dropped.`,
    );
    // Amazon refuses the next request with personal data in its error text (the legacy {code, details}).
    const fault = await fetch(`${h.sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ route: 'events', status: 400, body: { code: '400', details: L.amazonText } }),
    });
    expect(fault.status).toBe(200);
    const lookalike = {
      event: 'purchase',
      messageId: L.messageId,
      traits: { email: 'buyer@example.org' },
      properties: {
        amazon_event_id: 'EVT-LOOK-1',
        transaction_id: L.transactionPhone,
        order_id: L.orderWithSsn,
        value: 5,
        currency: 'USD',
        referrer: `http://${L.referrerIp}:8080/`,
      },
      context: { page: { url: `http://${L.pageIp}/account` }, os: { version: `1.2.3-${L.versionName}` } },
    };
    const id = (await h.ingest('/v1/t', lookalike)).body.ids[0];
    const rejected = await h.waitForOutcome(id, 'dead');
    expect(rejected.outcome.reason).toContain(`${REDACTED} at ${REDACTED} ssn ${REDACTED} phone ${REDACTED}`);
    expect(rejected.input).toMatchObject({
      event: 'purchase',
      messageId: REDACTED,
      properties: {
        amazon_event_id: 'EVT-LOOK-1',
        transaction_id: REDACTED,
        order_id: REDACTED,
        referrer: 'http://[ip]/',
      },
      context: { page: { url: 'http://[ip]/account' }, os: { version: REDACTED } },
    });
    await h.waitFor(() => stream.text().includes('"dead"') || undefined, 'the dead entry on the stream');
    const streamed = await stream.stop();

    const answers = await Promise.all(
      [
        '/v1/admin/live-events',
        `/v1/admin/live-events?event_id=${id}`,
        `/v1/admin/integrations/${created.id}/delivery-log`,
        `/v1/admin/integrations/${created.id}/dead-letters`,
        `/v1/admin/integrations/${created.id}/funnel`,
        '/v1/admin/stats',
      ].map(async (path) => JSON.stringify((await h.admin(path)).body)),
    );
    const deliveryLog = answers[2]!;
    expect(deliveryLog).toContain(
      `"error":"Amazon rejected the request with HTTP 400. (Amazon said: 400: ${REDACTED} at ${REDACTED} ssn ${REDACTED} phone ${REDACTED})"`,
    );
    expect(answers[3]).toContain(id);
    const planted = [...Object.values(L), L.amazonText.slice(0, 8), 'janedoe'];
    for (const text of [...answers, streamed, logs.join('')])
      expect(planted.filter((value) => text.toLowerCase().includes(value.toLowerCase()))).toEqual([]);
    expect(logs.join('')).toContain('"event":"amazon_request"');
  });

  test('an 80 KB key and value with e-mail and phone shapes is shown in well under a second', async () => {
    const run = 'a'.repeat(80 * 1024);
    const id = (
      await h.ingest('/v1/t', {
        event: 'purchase',
        properties: { [`${run}@`]: `${run}@example`, transaction_id: `T-${'1'.repeat(100)}` },
        context: { page: { url: `https://shop.example/${run}?${run}`, [run]: run } },
      })
    ).body.ids[0];
    const started = performance.now();
    const { body } = await h.admin(`/v1/admin/live-events?event_id=${id}`);
    const elapsed = performance.now() - started;
    const text = JSON.stringify(body.data[0].input);
    expect(text).not.toContain('aaaa');
    expect(elapsed).toBeLessThan(500);
  });

  test.each([
    [
      'a key that names personal data in any case or separator style',
      { traits: { Phone_Number: '5551234567' } },
    ],
    ['a key the allowlist does not know', { properties: { favourite_colour: 'blue' } }],
    [
      'a match key source of the blueprint, even where the allowlist shows it',
      { properties: { transaction_id: 'T-9' } },
    ],
    [
      'a listed key spelled with characters beyond ASCII letters',
      { properties: { 'transaction_id\u212a': 'T-9' } },
    ],
    ['an array where the list expects one value', { properties: { value: ['blue', 12] } }],
    ['an object where the list expects one value', { event: { blue: 'T-9' } }],
    ['a value where the list expects an object', { context: { page: 'blue 5551234567' } }],
    ['an e-mail in an id', { messageId: 'blue@example.org' }],
    ['a phone number in an event name', { event: 'blue 5551234567' }],
    ['a URL that is not http', { properties: { url: 'mailto:blue@example.org' } }],
    ['a URL path segment in base64', { properties: { path: '/Ymx1ZUBleGFtcGxlLm9yZw' } }],
    ['a name where a locale stands', { context: { locale: 'tom' } }],
    ['a name where a channel stands', { channel: 'janedoe' }],
    ['a name where a device type stands', { context: { device: { type: 'janedoe' } } }],
    ['letters that are no currency', { properties: { currency: 'TOM' } }],
    ['a name after a version', { context: { os: { version: '1.2.3-janedoe' } } }],
    ['a host name where a message id stands', { messageId: 'janedoe.blue.example' }],
    ['a phone number as an order id', { properties: { transaction_id: '14155550123' } }],
    ['a phone number as a numeric order id', { properties: { order_id: 14155550123 } }],
    ['an SSN inside an order id', { properties: { order_id: 'Blue_SSN_078-05-1120' } }],
    ['a card number as an order id', { properties: { order_id: '4111111111111111' } }],
    ['a name as an event name', { event: 'Janedoe Blue Signup' }],
  ])('hidden: %s', (_label, input) => {
    const shown = JSON.stringify(redactForView(input, ['properties.transaction_id']));
    for (const value of [
      '5551234567',
      'blue',
      'T-9',
      'Ymx1',
      '212a',
      '\u212a',
      'tom',
      'TOM',
      'janedoe',
      '14155550123',
      '078',
      '4111',
    ])
      expect(shown).not.toContain(value);
    expect(shown === '{}').toBe(false);
  });

  test.each<[string, unknown, unknown]>([
    ['an event type', { type: 'track' }, { type: 'track' }],
    ['a time', { timestamp: '2026-12-07T10:00:00.123Z' }, { timestamp: '2026-12-07T10:00:00.123Z' }],
    ['an epoch time', { sentAt: 1796637600000 }, { sentAt: 1796637600000 }],
    ['an amount given as text', { properties: { revenue: '49.90' } }, { properties: { revenue: '49.90' } }],
    [
      'an id kept exact as digits',
      { properties: { order_id: '12345678901234567890' } },
      { properties: { order_id: '12345678901234567890' } },
    ],
    [
      'a consent word',
      { context: { consent: { marketing: 'granted' } } },
      { context: { consent: { marketing: 'granted' } } },
    ],
    [
      'a slug path',
      { context: { page: { path: '/Shoes/running-2026/' } } },
      { context: { page: { path: '/Shoes/running-2026/' } } },
    ],
    [
      'a version',
      { context: { library: { version: '2.4.1-beta.1' } } },
      { context: { library: { version: '2.4.1-beta.1' } } },
    ],
    [
      'a locale, a channel, a device type',
      { channel: 'server', context: { locale: 'es-419', device: { type: 'ios' } } },
      { channel: 'server', context: { locale: 'es-419', device: { type: 'ios' } } },
    ],
    [
      'the first 50 products of a long list, then how many more',
      { properties: { products: Array.from({ length: 60 }, (_, i) => ({ product_id: `P-${i}` })) } },
      {
        properties: {
          products: [...Array.from({ length: 50 }, (_, i) => ({ product_id: `P-${i}` })), '[10 more]'],
        },
      },
    ],
    [
      'an IP address host as [ip], its path kept (v4, v6, any IPv4 spelling, user info dropped)',
      {
        context: {
          page: { url: 'http://user:pw@198.51.100.23/account', referrer: 'http://[2001:db8::1]:8080/x' },
        },
        properties: { url: 'http://3325256727/shop', referrer: 'https://shop.example/' },
      },
      {
        context: { page: { url: 'http://[ip]/account', referrer: 'http://[ip]/x' } },
        properties: { url: 'http://[ip]/shop', referrer: 'https://shop.example/' },
      },
    ],
    [
      'message ids of random shapes',
      { messageId: '550e8400-e29b-41d4-a716-446655440000', properties: { order_id: 'ORD-123456' } },
      { messageId: '550e8400-e29b-41d4-a716-446655440000', properties: { order_id: 'ORD-123456' } },
    ],
    [
      'a ULID message id',
      { messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      { messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
    ],
    ['a camel-case event name', { event: 'orderCompleted' }, { event: 'orderCompleted' }],
    ["a blueprint's Segment-style name", { event: 'Order Completed' }, { event: 'Order Completed' }],
    ['a plain version', { context: { os: { version: '17.4' } } }, { context: { os: { version: '17.4' } } }],
  ])('shown: %s', (_label, input, shown) => {
    expect(redactForView(input)).toEqual(shown);
  });
});

describe('the reason of an outcome', () => {
  test.each([
    [
      'a quoted event name',
      'No blueprint entry maps "Order Completed".',
      'No blueprint entry maps "Order Completed".',
    ],
    [
      'a quoted e-mail',
      'No blueprint entry maps "jane@example.org".',
      `No blueprint entry maps "${REDACTED}".`,
    ],
    [
      "Amazon's single quotes, an apostrophe left alone",
      "Amazon's check: Value '+1 415 555 0100' at 'eventName' failed",
      `Amazon's check: Value '${REDACTED}' at 'eventName' failed`,
    ],
    ['a quote that never closes', 'maps "jane doe 4155550100', `maps "${REDACTED}`],
    [
      'an e-mail and a phone outside quotes',
      'sent jane@example.org and 4155550100',
      `sent [EMAIL] and ${REDACTED}`,
    ],
    [
      "Amazon's legacy details with a name, an IP, an SSN and a phone",
      'Amazon said: 400: Jane Doe at 203.0.113.5 ssn 078-05-1120 phone 415-555-0199',
      `Amazon said: 400: ${REDACTED} at ${REDACTED} ssn ${REDACTED} phone ${REDACTED}`,
    ],
    [
      'an IPv6 address, a card number and a quoted name',
      'from 2001:db8::7 card 4111 1111 1111 1111 name "Jane Doe Signup"',
      `from ${REDACTED} card ${REDACTED} name "${REDACTED}"`,
    ],
    [
      "codes, field paths and Amazon's constraint wording kept",
      "FIELD_VALUE_IS_INVALID: 1 validation error detected: Value at 'events.0.eventTime' failed to satisfy constraint: Member must have length less than or equal to 256",
      "FIELD_VALUE_IS_INVALID: 1 validation error detected: Value at 'events.0.eventTime' failed to satisfy constraint: Member must have length less than or equal to 256",
    ],
    ['a quoted code kept', 'code "BAD_REQUEST" for 12 events', 'code "BAD_REQUEST" for 12 events'],
    ['no reason', null, null],
  ])('%s', (_label, reason, shown) => {
    expect(reasonForView(reason)).toBe(shown);
  });
});
