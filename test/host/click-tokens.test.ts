import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../host/store/database.js';
import { SqliteClickTokens } from '../../host/identity/sqlite-click-tokens.js';
import { ClickTokenMemory, visitorKey } from '../../host/identity/click-token-memory.js';
import { RawRetention } from '../../host/pipeline/raw-retention.js';
import type { RawEventsRepo } from '../../host/store/raw-events-repo.js';
import type { WalScrub } from '../../host/store/wal-scrub.js';
import type { MatchQualityRepo } from '../../host/store/match-quality-repo.js';
import { VALUE_TRANSFORMS } from '../../plugin/transform/value-transforms.js';

/**
 * The host's click-token memory over its SQLite store, with a clock the test moves: what is remembered, for
 * how long, which token wins, what is never replaced, and the sweep that purges it.
 */
const DAY = 86_400_000;
const TTL = 14 * DAY;
const T0 = Date.parse('2026-12-01T10:00:00Z');
const A = 'Ab3dE5gH1j.1764583200000';
const B = 'Zy9xW8vU7t.1764669600000';

let dir: string;
let db: Db;
let clock: number;
let memory: ClickTokenMemory;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'click-tokens-'));
  db = openDatabase(dir);
  clock = T0;
  memory = new ClickTokenMemory(new SqliteClickTokens(db), TTL, () => clock);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Event = Record<string, unknown>;
const landing = (visitor: string, url: string, extra: Event = {}): Event => ({
  type: 'page',
  anonymousId: visitor,
  context: { page: { url } },
  ...extra,
});
const later = (
  visitor: string | undefined,
  context: unknown = { page: { url: 'https://shop.example/cart' } },
) => ({
  type: 'track',
  event: 'purchase',
  ...(visitor === undefined ? {} : { anonymousId: visitor }),
  context,
});
const tokenOf = (event: Event): unknown =>
  ((event.context as Event | undefined)?.vendor_ids as Event | undefined)?.amazon_aref;
/** The token a later event of `visitor` gets. */
const recalled = async (visitor = 'anon-1') => tokenOf((await memory.enrich([later(visitor)]))[0]!);

describe('what is remembered: a well-formed aref in the page URL or the referrer, nothing else', () => {
  test.each<[string, Event, string | undefined]>([
    ['the landing URL', landing('anon-1', `https://shop.example/?utm_source=x&aref=${A}`), A],
    [
      'the referrer, when the URL has none',
      {
        anonymousId: 'anon-1',
        context: { page: { url: 'https://shop.example/p', referrer: `https://shop.example/?aref=${A}` } },
      },
      A,
    ],
    ['properties.url', { anonymousId: 'anon-1', properties: { url: `https://shop.example/?aref=${A}` } }, A],
    [
      'two pairs, the pipe percent-encoded',
      landing('anon-1', `https://shop.example/?aref=${A}%7C${B}`),
      `${A}|${B}`,
    ],
    [
      'ten pairs',
      landing('anon-1', `https://shop.example/?aref=${Array(10).fill(A).join('|')}`),
      Array(10).fill(A).join('|'),
    ],
    [
      'eleven pairs: too many',
      landing('anon-1', `https://shop.example/?aref=${Array(11).fill(A).join('|')}`),
      undefined,
    ],
    ['a short token', landing('anon-1', 'https://shop.example/?aref=abc.123'), undefined],
    ['a control character', landing('anon-1', `https://shop.example/?aref=${A}%0A`), undefined],
    [
      'a raw newline inside',
      landing('anon-1', `https://shop.example/?aref=Ab3dE\n5gH1j.1764583200000`),
      undefined,
    ],
    ['script', landing('anon-1', 'https://shop.example/?aref=<script>alert(1)</script>'), undefined],
    [
      'a URL of 9,000 characters',
      landing('anon-1', `https://shop.example/?aref=${A}&pad=${'x'.repeat(9_000)}`),
      undefined,
    ],
    [
      'ten thousand parameters before it',
      landing('anon-1', `https://shop.example/?${'p=1&'.repeat(2_000)}aref=${A}`),
      undefined,
    ],
    ['a URL that is not text', { anonymousId: 'anon-1', context: { page: { url: { aref: A } } } }, undefined],
    ['an aref only in the fragment', landing('anon-1', `https://shop.example/#aref=${A}`), undefined],
  ])('%s', async (_label, event, expected) => {
    await memory.enrich([event]);
    expect(await recalled()).toBe(expected);
    const stored = db.prepare('SELECT token FROM click_tokens').pluck().all() as string[];
    expect(stored).toEqual(expected === undefined ? [] : [expected]);
  });
});

describe('the host remembers exactly the click tokens the transform sends', () => {
  // One bound for both (MAX_AREF_PAIRS): the host never keeps a token the blueprint would refuse, nor the other way.
  test.each([1, 2, 9, 10, 11, 13, 40])('%i pairs in the landing URL', async (n) => {
    const url = `https://shop.example/?aref=${Array(n).fill(A).join('|')}`;
    await memory.enrich([landing('anon-1', url)]);
    const sent = VALUE_TRANSFORMS.aref_from_url!(url);
    expect(await recalled()).toBe(sent);
    expect(sent === undefined).toBe(n > 10);
  });
});

describe('for how long: SIGNAL_CLICK_TOKEN_TTL from when it was seen', () => {
  test('added until the TTL has passed, then no more', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    clock = T0 + TTL - 1;
    expect(await recalled()).toBe(A);
    clock = T0 + TTL;
    expect(await recalled()).toBeUndefined();
  });

  test('a TTL of 0 turns the memory off', async () => {
    memory = new ClickTokenMemory(new SqliteClickTokens(db), 0, () => clock);
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    expect(await recalled()).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) FROM click_tokens').pluck().get()).toBe(0);
  });

  test('a new click renews the time', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    clock = T0 + 10 * DAY;
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    clock = T0 + 20 * DAY;
    expect(await recalled()).toBe(A);
  });
});

describe('which token: the newest wins; a well-formed token the event carries is never replaced', () => {
  test('a later click replaces the earlier one', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    clock += 60_000;
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${B}`)]);
    expect(await recalled()).toBe(B);
  });

  test('in one batch, each event gets the newest token before it, in order', async () => {
    const out = await memory.enrich([
      landing('anon-1', `https://shop.example/?aref=${A}`),
      later('anon-1'),
      landing('anon-1', `https://shop.example/?aref=${B}`),
      later('anon-1'),
    ]);
    expect(out.map(tokenOf)).toEqual([A, A, B, B]);
    expect(await recalled()).toBe(B);
  });

  // A carried value that is no token would be refused by the blueprint: the remembered click goes in its place.
  test.each<[string, unknown, unknown]>([
    ['a well-formed token of its own: kept', B, B],
    ['two well-formed pairs of its own: kept', `${B}|${B}`, `${B}|${B}`],
    ['garbage: replaced by the remembered token', 'garbage', A],
    ['an empty text: replaced', '', A],
    ['a malformed pair: replaced', 'Ab3dE5gH1j.17', A],
    ['thirteen pairs (over MAX_AREF_PAIRS): replaced', Array(13).fill(B).join('|'), A],
    ['a number: replaced', 42, A],
    ['an object: replaced', { token: B }, A],
    ['null: replaced', null, A],
  ])('an event carrying %s', async (_label, carried, expected) => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    const event = later('anon-1', { vendor_ids: { amazon_aref: carried } });
    expect(tokenOf((await memory.enrich([event]))[0]!)).toEqual(expected);
  });

  test('a carried value that is no token, with nothing remembered, is passed on as it is', async () => {
    const event = later('anon-1', { vendor_ids: { amazon_aref: 'garbage' } });
    expect((await memory.enrich([event]))[0]).toBe(event);
  });

  test.each<[string, unknown]>([
    ['vendor_ids that is not an object', { vendor_ids: 'x' }],
    ['a context that is not an object', 'x'],
  ])('an event with %s is passed on unchanged', async (_label, context) => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    const event = later('anon-1', context);
    expect((await memory.enrich([event]))[0]).toBe(event);
  });

  test('the other vendor ids stay; the event received is not changed', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    const event = later('anon-1', { vendor_ids: { ramp_id: 'r-1' }, locale: 'en-US' });
    const [out] = await memory.enrich([event]);
    expect(out!.context).toEqual({ vendor_ids: { ramp_id: 'r-1', amazon_aref: A }, locale: 'en-US' });
    expect(event.context).toEqual({ vendor_ids: { ramp_id: 'r-1' }, locale: 'en-US' });
  });

  test('another visitor, and an event without anonymousId, get nothing', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    expect(await recalled('anon-2')).toBeUndefined();
    expect(tokenOf((await memory.enrich([later(undefined)]))[0]!)).toBeUndefined();
  });

  test('the store keeps a hash of the visitor, never the anonymousId', async () => {
    await memory.enrich([landing('anon-visitor-77', `https://shop.example/?aref=${A}`)]);
    const rows = db.prepare('SELECT visitor FROM click_tokens').pluck().all();
    expect(rows).toEqual([visitorKey('anon-visitor-77')]);
    expect(JSON.stringify(rows)).not.toContain('anon-visitor-77');
  });
});

describe('purged by the retention sweep, and counted', () => {
  const retention = () =>
    new RawRetention(
      { purge: () => 0 } as unknown as RawEventsRepo,
      { scrub: () => true } as unknown as WalScrub,
      { purge: () => 0 } as unknown as MatchQualityRepo,
      DAY,
      () => clock,
      memory,
    );

  test('the sweep deletes the tokens past their time and says how many', async () => {
    await memory.enrich([landing('anon-1', `https://shop.example/?aref=${A}`)]);
    clock = T0 + DAY;
    await memory.enrich([landing('anon-2', `https://shop.example/?aref=${B}`)]);
    clock = T0 + TTL;
    expect(retention().sweep()).toEqual({ payloads: 0, clickTokens: 1 });
    expect(db.prepare('SELECT token FROM click_tokens').pluck().all()).toEqual([B]);
    clock = T0 + DAY + TTL;
    expect(retention().sweep()).toEqual({ payloads: 0, clickTokens: 1 });
    expect(db.prepare('SELECT COUNT(*) FROM click_tokens').pluck().get()).toBe(0);
  });
});
