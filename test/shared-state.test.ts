import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import {
  createDestination,
  regionHostsFromBase,
  type Destination,
  type Installation,
} from '../plugin/index.js';
import { items } from './support/amazon-events.js';
import { captureLogger } from './support/capture-logger.js';
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
  await redis.stop();
  await sandbox.close();
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

describe('the pace: a 429 one worker meets holds back the others for its Retry-After', () => {
  test.each([
    ['sharing Redis, the other worker waits the second out', true],
    ['each on its own, the other sends at once (what Redis prevents)', false],
  ])('%s', async (_title, shared) => {
    const { all } = await workers(2, shared ? redis.url : undefined);
    const [a, b] = all as [(typeof all)[0], (typeof all)[0]];
    sandbox.faults.add({ route: 'events', status: 429, retryAfter: '1' });
    const first = a.destination.deliver(items(5), a.installation);
    while ((sandbox.counters.byStatus['429'] ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    const report = await b.destination.deliver(items(5, 100), b.installation);
    const waited = Date.now() - started;
    expect(report.requests.map((r) => r.status)).toEqual([207]);
    if (shared) expect(waited).toBeGreaterThanOrEqual(800);
    else expect(waited).toBeLessThan(800);
    await first;
    expect(sandbox.accepted.size).toBe(10);
  });
});
