import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { createDestination, type Destination, type Installation } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { credentialKey } from '../plugin/state/shared-tokens.js';
import { PACE_RULE } from '../plugin/state/request-pace.js';
import { items } from './support/amazon-events.js';
import { captureLogger } from './support/capture-logger.js';
import { startRedis, type RedisServer } from '../bench/redis-server.js';

/**
 * Values read from Redis are outside data: whatever a shared token or a pace state holds there (written here
 * raw, as another program or a hand edit could), delivery goes on. A token that cannot be read is renewed and
 * replaced; a pause cannot hold an advertiser back longer than a pace state lives.
 */
let sandbox: Sandbox;
let redis: RedisServer;
let client: Redis;
let destination: Destination;
let installation: Installation;
beforeEach(async () => {
  sandbox = await startSandbox();
  redis = await startRedis();
  client = new Redis(redis.url);
  const logs = captureLogger();
  destination = createDestination({
    hostSettings: {
      regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      requestTimeoutMs: 2_000,
      stateRedisUrl: redis.url,
    },
    logger: logs.logger,
    secrets: logs.secrets,
  });
  installation = await destination.install({ variant: 'default', config: credentialsOf(TEST_ACCOUNT) });
});
afterEach(async () => {
  await destination.close();
  client.disconnect();
  await redis.stop();
  await sandbox.close();
});

const TOKEN_KEY = `amazon-dsp:token:${credentialKey(TEST_ACCOUNT.clientId, TEST_ACCOUNT.refreshToken)}`;
const FAR = 9e15;

test.each<[string, string | Buffer]>([
  ['bytes that are not text', Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22, 0x80])],
  ['truncated JSON', '{"token":"Atza|planted","expiresAt":17'],
  ['the wrong types', '{"token":5,"expiresAt":"soon","renewAt":null}'],
  ['JSON null', 'null'],
  ['an array', '["Atza|planted", 9e15, 9e15]'],
  [
    'a token that would break the header',
    JSON.stringify({ token: 'Atza|planted\r\nX-Injected: 1', expiresAt: FAR, renewAt: FAR }),
  ],
  ['a token with a space', JSON.stringify({ token: 'Atza planted', expiresAt: FAR, renewAt: FAR })],
  ['renewed after it expires', JSON.stringify({ token: 'Atza|planted', expiresAt: 1, renewAt: FAR })],
  [
    'a huge value (4 MB)',
    JSON.stringify({ token: `Atza|planted${'A'.repeat(4_000_000)}`, expiresAt: FAR, renewAt: FAR }),
  ],
])('a shared token holding %s: renewed once, replaced, every event delivered', async (_, stored) => {
  await client.set(TOKEN_KEY, stored);
  sandbox.expireTokens(true);
  const before = sandbox.counters.tokenRequests;
  const report = await destination.deliver(items(20), installation);
  expect(report.outcomes.map((o) => o.status)).toEqual(Array(20).fill('delivered'));
  expect(sandbox.counters.tokenRequests - before).toBe(1);
  // No request carried the planted value; Redis now holds the renewed token.
  const sent = sandbox.requests.map((r) => String(r.headers.authorization ?? ''));
  expect(sent.filter((auth) => auth.includes('planted'))).toEqual([]);
  const replaced = JSON.parse((await client.get(TOKEN_KEY))!);
  expect(replaced.token).toMatch(/^Atza\|sbx\.test\./);
  expect(replaced.renewAt).toBeLessThanOrEqual(replaced.expiresAt);
});

test('a shared token key of another Redis type: delivered as one process alone would', async () => {
  await client.hset(TOKEN_KEY, { token: 'Atza|planted' });
  sandbox.expireTokens(true);
  const report = await destination.deliver(items(20), installation);
  expect(report.outcomes.map((o) => o.status)).toEqual(Array(20).fill('delivered'));
  expect(sandbox.requests.filter((r) => String(r.headers.authorization).includes('planted'))).toEqual([]);
});

/** The pace key of the advertiser the test account delivers to, found by one delivery. */
async function paceKey(): Promise<string> {
  await destination.deliver(items(1), installation);
  const keys = await client.keys('amazon-dsp:pace:*');
  expect(keys).toHaveLength(1);
  return keys[0]!;
}

test.each<[string, (now: number) => Record<string, string>, 'delivered' | number]>([
  [
    'fields that are not numbers',
    (now) => ({ rate: 'fast', tat: '{', pausedUntil: 'later', usedAt: String(now) }),
    'delivered',
  ],
  [
    'a pause of 285,000 years',
    (now) => ({ pausedUntil: String(now + FAR), usedAt: String(now) }),
    PACE_RULE.idleMs,
  ],
  [
    'a pause of an hour',
    (now) => ({ pausedUntil: String(now + 3_600_000), usedAt: String(now) }),
    PACE_RULE.idleMs,
  ],
  ['an infinite pause', (now) => ({ pausedUntil: 'inf', usedAt: String(now) }), 'delivered'],
  ['a negative rate', (now) => ({ rate: '-5', tat: String(now + FAR), usedAt: String(now) }), 'delivered'],
])(
  'a pace state holding %s: delivered, or retried no later than a state lives',
  async (_, fields, expected) => {
    const key = await paceKey();
    await client.hset(key, fields(Date.now()));
    const report = await destination.deliver(items(20, 100), installation);
    const outcome = expected === 'delivered' ? ['delivered', undefined] : ['retry', expected];
    expect(report.outcomes.map((o) => [o.status, o.status === 'retry' ? o.retryAfterMs : undefined])).toEqual(
      Array(20).fill(outcome),
    );
  },
);
