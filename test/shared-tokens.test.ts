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
import { startRedis, type RedisServer } from './support/redis-server.js';

/**
 * Several delivery processes, one Login with Amazon credential: with Redis they renew an expired access token
 * once for all (single flight across processes); without it each renews its own. Each plugin here has a
 * container of its own and shares nothing with the others but Redis, as separate processes would.
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
