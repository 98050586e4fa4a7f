import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { createDestination, type Destination, type Installation } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { items } from './support/amazon-events.js';
import { captureLogger } from './support/capture-logger.js';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../bench/redis-server.js';

/**
 * Several delivery processes, one Login with Amazon credential and one advertiser: with Redis they renew an
 * expired access token once for all (single flight across processes) and hold back together when Amazon
 * answers 429; without it each does so alone. Each plugin here has a container of its own and shares nothing
 * with the others but Redis, as separate processes would.
 */
let sandbox: Sandbox;
let redis: RedisServer;
const plugins: Destination[] = [];
beforeEach(async () => {
  sandbox = await startSandbox();
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(plugins.splice(0).map((p) => p.close()));
  await redis?.stop();
  await sandbox?.close();
});

async function workers(count: number, redisUrl?: string) {
  const logs = captureLogger();
  const all: Array<{ destination: Destination; installation: Installation }> = [];
  for (let i = 0; i < count; i++) {
    const destination = createDestination({
      hostSettings: {
        regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
        lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
        requestTimeoutMs: 2_000,
        ...(redisUrl ? { stateRedisUrl: redisUrl } : {}),
      },
      logger: logs.logger,
      secrets: logs.secrets,
    });
    plugins.push(destination);
    all.push({
      destination,
      installation: await destination.install({ variant: 'default', config: credentialsOf(TEST_ACCOUNT) }),
    });
  }
  return { all, logs: logs.lines };
}

/** Every worker delivers at once after the access token expired; the token requests Login with Amazon saw. */
async function afterExpiry(
  all: Array<{ destination: Destination; installation: Installation }>,
): Promise<number> {
  sandbox.expireTokens(true);
  const before = sandbox.counters.tokenRequests;
  const reports = await Promise.all(
    all.map(({ destination, installation }, w) => destination.deliver(items(20, w * 100), installation)),
  );
  for (const report of reports)
    expect(new Set(report.outcomes.map((o) => o.status))).toEqual(new Set(['delivered']));
  return sandbox.counters.tokenRequests - before;
}

test('4 workers sharing Redis: one token request for the expiry, every event delivered', async () => {
  const { all } = await workers(4, redis.url);
  expect(await afterExpiry(all)).toBe(1);
  expect(sandbox.accepted.size).toBe(80);
});

test('4 workers each on its own (no Redis): a token request each, the failure Redis prevents', async () => {
  const { all } = await workers(4);
  expect(await afterExpiry(all)).toBe(4);
});

test('Redis gone: each worker renews for itself and delivers, and says so once', async () => {
  const { all, logs } = await workers(2, redis.url);
  await redis.stop();
  expect(await afterExpiry(all)).toBe(2);
  expect(logs.filter((l) => l.includes('state_store_unavailable')).length).toBeGreaterThanOrEqual(1);
  expect(logs.filter((l) => l.includes('state_store_unavailable')).length).toBeLessThanOrEqual(2);
});

/** Polls `probe` until it gives a value, for at most `timeoutMs`. */
async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 5_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Ordered by events, not by the machine's speed: worker A meets a 429 (Retry-After: 1); worker B starts once
 * that 429 is known (recorded in Redis when they share it, seen by the sandbox otherwise); where B's request
 * lands against A's pause and A's own retry says whether B held back.
 */
describe('the pace: a 429 one worker meets holds back the others for its Retry-After', () => {
  const ADVERTISER = '4728736040201';
  const eventRequests = () => sandbox.requests.filter((r) => r.path.endsWith('/adsApi/v1/create/events'));

  test('sharing Redis, the other worker waits until the pause Redis holds is over', async () => {
    const { all } = await workers(2, redis.url);
    const [a, b] = all as [(typeof all)[0], (typeof all)[0]];
    const client = new Redis(redis.url);
    try {
      sandbox.faults.add({ route: 'events', status: 429, retryAfter: '1' });
      const first = a.destination.deliver(items(5), a.installation);
      const pausedUntil = await until(async () => {
        const value = Number(await client.hget(`amazon-dsp:pace:${ADVERTISER}`, 'pausedUntil'));
        return value > 0 ? value : undefined;
      }, 'the 429 recorded in Redis');
      const report = await b.destination.deliver(items(5, 100), b.installation);
      expect(report.requests.map((r) => r.status)).toEqual([207]);
      await first;
      const [throttled, ...after] = eventRequests();
      expect(throttled!.status).toBe(429);
      expect(after.map((r) => r.status)).toEqual([207, 207]);
      // Neither worker sent again before the pause ended: B waited it out like A.
      for (const r of after) expect(r.at).toBeGreaterThanOrEqual(pausedUntil);
      expect(sandbox.accepted.size).toBe(10);
    } finally {
      client.disconnect();
    }
  });

  test('each on its own, the other sends at once, before the throttled worker retries (what Redis prevents)', async () => {
    const { all } = await workers(2);
    const [a, b] = all as [(typeof all)[0], (typeof all)[0]];
    sandbox.faults.add({ route: 'events', status: 429, retryAfter: '1' });
    const first = a.destination.deliver(items(5), a.installation);
    await until(() => (sandbox.counters.byStatus['429'] ? true : undefined), 'the 429 at the sandbox');
    const report = await b.destination.deliver(items(5, 100), b.installation);
    expect(report.requests.map((r) => r.status)).toEqual([207]);
    await first;
    const sent = eventRequests().map((r) => [JSON.parse(r.body).events[0].eventId, r.status]);
    // A's 429, then B's batch (order-100…), then A's retry a second later.
    expect(sent).toEqual([
      ['order-0', 429],
      ['order-100', 207],
      ['order-0', 207],
    ]);
    expect(sandbox.accepted.size).toBe(10);
  });
});
