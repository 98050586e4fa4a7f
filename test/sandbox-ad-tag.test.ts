import { connect } from 'node:net';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { DEMO_ACCOUNT } from '../sandbox/accounts.js';
import { amazonEvent } from './support/amazon-events.js';

/**
 * The sandbox plays the Amazon Ad Tag: browser-side conversions go into the same ledger as Events API events,
 * and one rule (Amazon's: one conversion per account and eventId, across sources and event types; the first
 * by timestamp kept, a tie to the Events API) says how many conversions Amazon counts.
 */
let sandbox: Sandbox;
/** Where the test's time T falls: an hour ago, inside Amazon's 21 days. */
let base: number;
beforeEach(async () => {
  sandbox = await startSandbox();
  base = Date.now() - 3_600_000;
});
afterEach(() => sandbox.close());

const ACCOUNT = '5830921746193';
const OTHER_ACCOUNT = '5830921746999';
const T = Date.parse('2026-12-01T10:00:00.000Z');
const TOKEN = 'Ab3dE5gH1j.1764583200000';
const iso = (ms: number) => new Date(ms).toISOString();

type Step =
  | { api: { eventId?: string; name?: string; at: number; aref?: boolean } }
  | { tag: { eventId?: string; name?: string; at: number; account?: string } };

async function play(steps: Step[]): Promise<void> {
  for (const step of steps) {
    if ('api' in step) {
      const { eventId, name = 'Purchase', at, aref } = step.api;
      const event = amazonEvent(1, {
        eventId,
        eventTime: iso(base + (at - T)),
        ...(name === 'Purchase'
          ? {}
          : {
              eventDescription: {
                name,
                conversionType: 'ADD_TO_SHOPPING_CART',
                eventSource: 'WEBSITE',
                eventIngestionMethod: 'SERVER_TO_SERVER',
              },
              currencyCode: undefined,
            }),
        ...(aref ? { arefMeasurementTokens: TOKEN } : {}),
      });
      const r = await fetch(`${sandbox.url}/adsApi/v1/create/events`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer Atza|IwEBIA...',
          'Amazon-Ads-ClientId': DEMO_ACCOUNT.clientId,
          'Amazon-Ads-AccountId': ACCOUNT,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ events: [event] }),
      });
      expect(((await r.json()) as { success: unknown[] }).success).toHaveLength(1);
    } else {
      const { eventId, name = 'Purchase', at, account = ACCOUNT } = step.tag;
      const r = await adTag({
        account_id: account,
        name,
        ...(eventId === undefined ? {} : { eventId }),
        timestamp: iso(base + (at - T)),
      });
      expect(r.status).toBe(200);
    }
  }
}

const adTag = (body: unknown) =>
  fetch(`${sandbox.url}/__sandbox/adtag`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const attribution = async () =>
  ((await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { attribution: unknown }).attribution;
const counts = (conversions: number, duplicates: number, api: number, tag: number, withToken = 0) => ({
  conversions,
  duplicates_removed: duplicates,
  by_source: { events_api: api, ad_tag: tag },
  with_click_token: withToken,
});

describe('one ledger, one rule across the Events API and the Ad Tag', () => {
  test.each<[string, Step[], ReturnType<typeof counts>]>([
    [
      'paired: the Ad Tag first, the server a second later → one conversion, the Ad Tag kept',
      [{ tag: { eventId: 'c-1', at: T } }, { api: { eventId: 'c-1', at: T + 1_000 } }],
      counts(1, 1, 0, 1),
    ],
    [
      'paired: the server first → one conversion, the Events API kept',
      [{ tag: { eventId: 'c-1', at: T + 1_000 } }, { api: { eventId: 'c-1', at: T } }],
      counts(1, 1, 1, 0),
    ],
    [
      'paired at the same time: the tie goes to the Events API',
      [{ tag: { eventId: 'c-1', at: T } }, { api: { eventId: 'c-1', at: T } }],
      counts(1, 1, 1, 0),
    ],
    [
      'unpaired: two ids for one conversion → counted twice',
      [{ tag: { eventId: 'tag-generated-9', at: T } }, { api: { eventId: 'server-msg-9', at: T } }],
      counts(2, 0, 1, 1),
    ],
    [
      'the Ad Tag without an eventId: its own conversion',
      [{ tag: { at: T } }, { api: { eventId: 'c-1', at: T } }],
      counts(2, 0, 1, 1),
    ],
    [
      'the same id across event types is one conversion',
      [
        { api: { eventId: 'c-1', name: 'AddToCart', at: T } },
        { tag: { eventId: 'c-1', name: 'Purchase', at: T + 5 } },
      ],
      counts(1, 1, 1, 0),
    ],
    [
      'the same id in two advertiser accounts: two conversions',
      [{ api: { eventId: 'c-1', at: T } }, { tag: { eventId: 'c-1', at: T, account: OTHER_ACCOUNT } }],
      counts(2, 0, 1, 1),
    ],
    [
      'the server resending the same event: one conversion, the resend removed',
      [{ api: { eventId: 'c-1', at: T } }, { api: { eventId: 'c-1', at: T } }],
      counts(1, 1, 1, 0),
    ],
    [
      'a click token on the server event counts for the conversion, whichever record is kept',
      [{ tag: { eventId: 'c-1', at: T } }, { api: { eventId: 'c-1', at: T + 1_000, aref: true } }],
      counts(1, 1, 0, 1, 1),
    ],
  ])('%s', async (_label, steps, expected) => {
    await play(steps);
    expect(await attribution()).toEqual(expected);
  });

  test('reset empties the ledger', async () => {
    await play([{ tag: { eventId: 'c-1', at: T } }, { api: { eventId: 'c-1', at: T } }]);
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    expect(await attribution()).toEqual(counts(0, 0, 0, 0));
  });
});

describe('POST /__sandbox/adtag refuses what an Ad Tag call cannot be, and records nothing', () => {
  const good = { account_id: ACCOUNT, name: 'Purchase', eventId: 'c-1', timestamp: iso(T) };
  test.each<[string, unknown, string]>([
    ['not JSON', '{"account_id":', 'the body must be a JSON object'],
    ['a list', [good], 'the body must be a JSON object'],
    ['no account', { ...good, account_id: undefined }, 'account_id: must be text of 1 to 100 characters'],
    [
      'an eventId of 300 characters',
      { ...good, eventId: 'x'.repeat(300) },
      'eventId: must be text of 1 to 256',
    ],
    ['an eventId that is a number', { ...good, eventId: 42 }, 'eventId: must be text'],
    ['a timestamp that is no date', { ...good, timestamp: 'yesterday' }, 'timestamp: must be an ISO 8601'],
  ])('%s → 400', async (_label, body, message) => {
    const r = await adTag(body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain(message);
    expect(await attribution()).toEqual(counts(0, 0, 0, 0));
  });

  test('raw bytes on the socket: a truncated body is refused, the sandbox still answers', async () => {
    const port = Number(new URL(sandbox.url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end(
          'POST /__sandbox/adtag HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"name":\u0000',
        );
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await adTag(good)).status).toBe(200);
    expect(await attribution()).toEqual(counts(1, 0, 0, 1));
  });
});
