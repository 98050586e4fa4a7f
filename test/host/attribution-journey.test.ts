import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { startRedis, type RedisServer } from '../../bench/redis-server.js';
import { visitorKey } from '../../host/identity/click-token-memory.js';
import { PIPELINE_KEY, startHost, type HostHarness } from '../support/host-harness.js';

/**
 * Attribution journeys through the reference host to the sandbox: a landing from an Amazon ad click, pages, the
 * Ad Tag in the browser beside the server events, a purchase, another visitor. What Amazon counts at the end
 * is what the sandbox's attribution ledger says (Amazon's deduplication by eventId across both sources).
 */
const TOKEN = 'Ab3dE5gH1j.1764583200000';
const ACCOUNT = '5830921746193'; // the demo account's DSP advertiser, which the seed install resolves
const SHOP = 'https://shop.example';

const hosts: HostHarness[] = [];
let redis: RedisServer | undefined;
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await redis?.stop();
  redis = undefined;
});

/** A web event of a visitor as Datafly.js sends it: an e-mail, the IP, marketing consent, the page. */
function web(
  visitor: string,
  event: string,
  at: number,
  page: string,
  properties: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event,
    anonymousId: visitor,
    timestamp: new Date(at).toISOString(),
    properties,
    traits: { email: `${visitor}@example.com` },
    context: {
      locale: 'en-US',
      ip: '203.0.113.42',
      consent: { canonical: { marketing: true } },
      page: { url: page },
    },
  };
}

async function adTag(h: HostHarness, name: string, eventId: string, at: number): Promise<void> {
  const r = await fetch(`${h.sandbox.url}/__sandbox/adtag`, {
    method: 'POST',
    body: JSON.stringify({ account_id: ACCOUNT, name, eventId, timestamp: new Date(at).toISOString() }),
  });
  expect(r.status).toBe(200);
}

const attribution = async (h: HostHarness) =>
  (
    (await (await fetch(`${h.sandbox.url}/__sandbox/state`)).json()) as {
      attribution: Record<string, unknown>;
    }
  ).attribution;

/** The Amazon events the sandbox accepted, by eventId. */
const atAmazon = (h: HostHarness) =>
  new Map([...h.sandbox.accepted.values()].map((a) => [a.eventId, a.event as Record<string, unknown>]));

test('a click journey with the Ad Tag, paired and not, and another visitor: the conversions Amazon counts', async () => {
  const h = await startHost();
  hosts.push(h);
  expect((await h.install()).status).toBe(201);
  const t = Date.now() - 600_000;
  const send = async (event: Record<string, unknown>) =>
    expect((await h.ingest('/v1/t', event)).status).toBe(200);

  // Visitor 1 lands from an Amazon ad click; the page gives the Ad Tag and Signal the same id for the page view.
  await adTag(h, 'PageView', 'pv-landing-1', t - 200);
  await send(web('anon-v1', 'page_view', t, `${SHOP}/?aref=${TOKEN}`, { amazon_event_id: 'pv-landing-1' }));
  // Two more pages, server side only.
  await send(web('anon-v1', 'page_view', t + 10_000, `${SHOP}/shoes`));
  await send(web('anon-v1', 'view_item', t + 20_000, `${SHOP}/shoes/trail`, { product_id: 'SKU_1' }));
  // Add to cart, paired.
  await adTag(h, 'AddToCart', 'atc-1', t + 29_800);
  await send(web('anon-v1', 'add_to_cart', t + 30_000, `${SHOP}/cart`, { amazon_event_id: 'atc-1' }));
  // The purchase on the thank-you page, paired by its order id: the Ad Tag was given the order id.
  await adTag(h, 'Purchase', 'ORDER-1', t + 59_800);
  await send(
    web('anon-v1', 'purchase', t + 60_000, `${SHOP}/thanks`, {
      transaction_id: 'ORDER-1',
      value: 49.99,
      currency: 'USD',
    }),
  );
  // Visitor 2, never clicked an ad: a lead whose page gave the Ad Tag its own id and Signal none (unpaired).
  await adTag(h, 'Lead', 'tag-generated-77', t + 70_000);
  await send(web('anon-v2', 'generate_lead', t + 70_000, `${SHOP}/contact`));
  await h.waitFor(() => h.sandbox.accepted.size === 6 || undefined, 'the six server events at Amazon');

  const events = atAmazon(h);
  const tokenOf = (id: string) => events.get(id)?.arefMeasurementTokens;
  // Every event of visitor 1 carries the click token, the landing's from its URL, the rest remembered.
  const v1 = [...events.values()].filter((e) => e.eventId !== 'ORDER-1' && e.arefMeasurementTokens);
  expect(v1).toHaveLength(4);
  expect(tokenOf('ORDER-1')).toBe(TOKEN);
  expect(tokenOf('pv-landing-1')).toBe(TOKEN);
  expect(tokenOf('atc-1')).toBe(TOKEN);
  // Visitor 2's lead has none, and kept its server id (its messageId): the Ad Tag's id is not it.
  const lead = [...events.values()].find((e) => (e.eventDescription as { name: string }).name === 'Lead')!;
  expect(lead.arefMeasurementTokens).toBeUndefined();
  expect(lead.eventId).not.toBe('tag-generated-77');

  // 6 server events + 4 Ad Tag calls; 3 pairs are one conversion each; the unpaired lead counts twice.
  expect(await attribution(h)).toEqual({
    conversions: 7,
    duplicates_removed: 3,
    by_source: { events_api: 3, ad_tag: 4 },
    with_click_token: 5,
  });
});

describe('two hosts, one Redis: a landing on one and a purchase on the other still pair', () => {
  test.each<[string, boolean, string | undefined]>([
    ['with SIGNAL_REDIS_URL, the purchase carries the token', true, TOKEN],
    ['without it, each host remembers only its own visitors', false, undefined],
  ])('%s', async (_label, shared, expected) => {
    if (shared) redis = await startRedis();
    const options = redis ? { clickTokens: { redisUrl: redis.url } } : {};
    const [a, b] = [await startHost(options), await startHost(options)];
    hosts.push(a, b);
    await a.install();
    await b.install();
    const t = Date.now() - 60_000;
    await a.ingest('/v1/t', web('anon-roaming', 'page_view', t, `${SHOP}/?aref=${TOKEN}`));
    await b.ingest(
      '/v1/t',
      web('anon-roaming', 'purchase', t + 1_000, `${SHOP}/thanks`, {
        transaction_id: 'ORDER-R',
        value: 10,
        currency: 'USD',
      }),
    );
    await b.waitFor(() => b.sandbox.accepted.size === 1 || undefined, 'the purchase at Amazon');
    expect(atAmazon(b).get('ORDER-R')?.arefMeasurementTokens).toBe(expected);
    expect((await attribution(b)).with_click_token).toBe(expected ? 1 : 0);
  });

  test('Redis unreachable: events are still accepted and delivered, without the memory', async () => {
    const h = await startHost({ clickTokens: { redisUrl: 'redis://127.0.0.1:1' } });
    hosts.push(h);
    await h.install();
    const t = Date.now() - 60_000;
    const landing = await h.ingest('/v1/t', web('anon-no-redis', 'page_view', t, `${SHOP}/?aref=${TOKEN}`));
    const purchase = web('anon-no-redis', 'purchase', t + 1_000, `${SHOP}/thanks`, {
      transaction_id: 'ORDER-NR',
      value: 10,
      currency: 'USD',
    });
    expect([landing.status, (await h.ingest('/v1/t', purchase)).status]).toEqual([200, 200]);
    await h.waitFor(() => h.sandbox.accepted.size === 2 || undefined, 'both events at Amazon');
    expect(atAmazon(h).get('ORDER-NR')!.arefMeasurementTokens).toBeUndefined();
  });

  test('in Redis: one key per visitor, named by a hash, expiring after SIGNAL_CLICK_TOKEN_TTL', async () => {
    redis = await startRedis();
    const ttlMs = 3 * 86_400_000;
    const h = await startHost({ clickTokens: { redisUrl: redis.url, ttlMs } });
    hosts.push(h);
    await h.ingest('/v1/t', web('anon-in-redis', 'page_view', Date.now(), `${SHOP}/?aref=${TOKEN}`));
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      expect(keys).toEqual([`signal:click-token:${visitorKey('anon-in-redis')}`]);
      expect(await client.get(keys[0]!)).toBe(TOKEN);
      const pttl = await client.pttl(keys[0]!);
      expect(pttl).toBeGreaterThan(ttlMs - 60_000);
      expect(pttl).toBeLessThanOrEqual(ttlMs);
    } finally {
      client.disconnect();
    }
  });
});

test("docs/ad-tag.md's page snippet gives the Ad Tag and Signal one id: Amazon counts one conversion", async () => {
  const doc = readFileSync(join(PACKAGE_ROOT, 'docs/ad-tag.md'), 'utf8');
  const snippet = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
  const h = await startHost();
  hosts.push(h);
  await h.install();
  const tagged: Array<[string, string, { clientDedupeId: string }]> = [];
  const amzn = (...args: [string, string, { clientDedupeId: string }]) => tagged.push(args);
  // The doc's own snippet, run as a page runs it, with the Ad Tag's amzn() recording its calls.
  const trackConversion = new Function(
    'amzn',
    'SIGNAL_INGEST_URL',
    'SIGNAL_PIPELINE_KEY',
    `${snippet}\nreturn trackConversion;`,
  )(amzn, h.host.ingestUrl, PIPELINE_KEY) as (
    name: string,
    event: Record<string, unknown>,
  ) => Promise<Response>;
  const t = Date.now() - 60_000;
  expect((await trackConversion('AddToCart', web('anon-doc', 'add_to_cart', t, `${SHOP}/cart`))).status).toBe(
    200,
  );
  const purchase = web('anon-doc', 'purchase', t + 1_000, `${SHOP}/thanks`, {
    transaction_id: 'ORDER-DOC-1',
    value: 20,
    currency: 'USD',
  });
  expect((await trackConversion('Purchase', purchase)).status).toBe(200);
  await h.waitFor(() => h.sandbox.accepted.size === 2 || undefined, 'both events at Amazon');

  expect(tagged.map(([command, name]) => `${command} ${name}`)).toEqual([
    'trackEvent AddToCart',
    'trackEvent Purchase',
  ]);
  const ids = tagged.map(([, , attributes]) => attributes.clientDedupeId);
  expect(ids[1]).toBe('ORDER-DOC-1');
  expect([...atAmazon(h).keys()].sort()).toEqual([...ids].sort());
  for (const [, name, { clientDedupeId }] of tagged) await adTag(h, name, clientDedupeId, t - 500);
  expect(await attribution(h)).toMatchObject({ conversions: 2, duplicates_removed: 2 });
});

/** Writes one HTTP request as raw bytes to the ingestion port; the status line's code. */
function rawPost(url: string, path: string, body: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.end(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PIPELINE_KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      ),
    );
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])));
    socket.on('error', reject);
  });
}

describe('hostile click tokens, written raw to ingestion: accepted as events, never remembered', () => {
  const landingWith = (visitor: string, url: string) =>
    JSON.stringify(web(visitor, 'page_view', Date.now() - 60_000, url));
  test.each<[string, string, string]>([
    ['a control character in the token', 'anon-h1', `${SHOP}/?aref=Ab3dE\u0007gH1j.1764583200000`],
    [
      'a token of 60,000 characters',
      'anon-h2',
      `${SHOP}/?aref=${'Ab3dE5gH1j.1764583200000|'.repeat(2_400)}x`,
    ],
    ['eleven pairs', 'anon-h3', `${SHOP}/?aref=${Array(11).fill(TOKEN).join('|')}`],
    ['five hundred parameters, then a token', 'anon-h4', `${SHOP}/?${'a=1&'.repeat(500)}aref=${TOKEN}`],
    ['an anonymousId of 5,000 characters', 'v'.repeat(5_000), `${SHOP}/?aref=${TOKEN}`],
  ])('%s', async (_label, visitor, url) => {
    const h = await startHost();
    hosts.push(h);
    await h.install();
    expect(await rawPost(h.host.ingestUrl, '/v1/t', landingWith(visitor, url))).toBe(200);
    const purchase = web(visitor, 'purchase', Date.now() - 30_000, `${SHOP}/thanks`, {
      transaction_id: 'ORDER-H',
      value: 5,
      currency: 'USD',
    });
    expect(await rawPost(h.host.ingestUrl, '/v1/t', JSON.stringify(purchase))).toBe(200);
    await h.waitFor(() => atAmazon(h).has('ORDER-H') || undefined, 'the purchase at Amazon');
    expect(atAmazon(h).get('ORDER-H')!.arefMeasurementTokens).toBeUndefined();
    const db = (h.host as unknown as { db: { prepare(s: string): { get(): unknown } } }).db;
    expect(db.prepare('SELECT COUNT(*) AS n FROM click_tokens').get()).toEqual({ n: 0 });
  });
});
