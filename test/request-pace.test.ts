import { captureLogger } from './support/capture-logger.js';
import { startRedis, type RedisServer } from '../bench/redis-server.js';
import { LocalPace, type PaceOutcome, type RequestPace } from '../plugin/state/request-pace.js';
import { RedisPace } from '../plugin/state/redis-pace.js';
import { RedisConnection } from '../plugin/state/redis-connection.js';

/**
 * The pace of one advertiser's requests (plugin/state/request-pace.ts), as a specification that the memory
 * store and the Redis store (its Lua script) both follow, step by step, on a clock the test moves.
 */
let redis: RedisServer;
const open: RequestPace[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await redis?.stop();
});

type Step =
  { at: number; take: number } | { at: number; report: PaceOutcome; retryAfterMs?: number; times?: number };

/** Each row: what the step does at time `at` (ms) and, for a take, the wait the pace answers (0: go). */
const SPEC: Array<[string, Step[]]> = [
  [
    'unpaced until Amazon throttles: every take goes at once',
    [
      { at: 0, take: 0 },
      { at: 0, take: 0 },
      { at: 1, report: 'accepted', times: 50 },
      { at: 2, take: 0 },
    ],
  ],
  [
    'a 429 pauses every take for its Retry-After',
    [
      { at: 0, report: 'throttled', retryAfterMs: 1_000 },
      { at: 0, take: 1_000 },
      { at: 600, take: 400 },
      { at: 1_000, take: 0 },
    ],
  ],
  [
    'after a 429, requests are spaced at 0.7 of what Amazon accepted in the last second (30 → 21 a second)',
    [
      { at: 100, report: 'accepted', times: 30 },
      { at: 1_000, report: 'throttled', retryAfterMs: 1_000 },
      { at: 2_000, take: 0 },
      { at: 2_000, take: 48 }, // 1000 / 21 = 47.6 ms
      { at: 2_048, take: 0 },
    ],
  ],
  [
    'the 429s of requests already in flight do not cut the rate again within a second',
    [
      { at: 100, report: 'accepted', times: 30 },
      { at: 1_000, report: 'throttled', retryAfterMs: 10, times: 5 },
      { at: 1_500, report: 'throttled', retryAfterMs: 0 },
      { at: 1_500, take: 0 },
      { at: 1_500, take: 48 }, // still 21 a second
    ],
  ],
  [
    'a later 429 cuts the rate itself: 21 → 14.7 a second',
    [
      { at: 100, report: 'accepted', times: 30 },
      { at: 1_000, report: 'throttled', retryAfterMs: 0 },
      { at: 2_500, report: 'throttled', retryAfterMs: 0 },
      { at: 2_500, take: 0 },
      { at: 2_500, take: 69 }, // 1000 / 14.7 = 68.0 ms
    ],
  ],
  [
    'each accepted request raises the rate by 1 / rate: 21 a second, then 21 accepted → about 22',
    [
      { at: 100, report: 'accepted', times: 30 },
      { at: 1_000, report: 'throttled', retryAfterMs: 0 },
      { at: 1_000, report: 'accepted', times: 21 },
      { at: 1_000, take: 0 },
      { at: 1_000, take: 46 }, // 1000 / 22 = 45.5 ms
    ],
  ],
  [
    'a 429 before anything was accepted paces at the floor of 1 a second',
    [
      { at: 5_000, report: 'throttled', retryAfterMs: 0 },
      { at: 5_000, take: 0 },
      { at: 5_000, take: 1_000 },
    ],
  ],
  [
    'ten minutes unused and the advertiser is unpaced again',
    [
      { at: 100, report: 'throttled', retryAfterMs: 0 },
      { at: 100, take: 0 },
      { at: 100 + 600_001, take: 0 },
      { at: 100 + 600_001, take: 0 },
    ],
  ],
];

let n = 0;
/** What the Redis stores log: none may say it fell back to memory, or the Redis rows would test memory. */
const redisLog = captureLogger();
const stores: Array<[string, (now: () => number) => RequestPace]> = [
  ['memory', (now) => new LocalPace(now)],
  ['redis', (now) => new RedisPace(new RedisConnection(redis.url, redisLog.logger), now)],
];

describe.each(stores)('request pace (%s store)', (_name, make) => {
  test.each(SPEC)('%s', async (_title, steps) => {
    let time = 1_800_000_000_000;
    const start = time;
    const pace = make(() => time);
    open.push(pace);
    const advertiser = `ENTITY${++n}`;
    for (const step of steps) {
      time = start + step.at;
      if ('take' in step) expect(await pace.take(advertiser)).toBe(step.take);
      else
        for (let i = 0; i < (step.times ?? 1); i++)
          await pace.report(advertiser, step.report, step.retryAfterMs);
    }
    expect(redisLog.lines).toEqual([]);
  });
});

describe('several processes, one advertiser', () => {
  test('through Redis, a 429 one process met pauses the other, and they share one spacing', async () => {
    let time = 1_800_000_000_000;
    const [a, b] = [0, 1].map(
      () => new RedisPace(new RedisConnection(redis.url, redisLog.logger), () => time),
    );
    open.push(a!, b!);
    await a!.report('ENTITYSHARED', 'throttled', 2_000);
    expect(await b!.take('ENTITYSHARED')).toBe(2_000);
    time += 2_000;
    expect(await b!.take('ENTITYSHARED')).toBe(0);
    expect(await a!.take('ENTITYSHARED')).toBe(1_000); // 1 a second, whoever asks
    expect(redisLog.lines).toEqual([]);
  });

  test('in memory each process paces alone: the other never hears of the 429 (what Redis prevents)', async () => {
    const time = 1_800_000_000_000;
    const [a, b] = [new LocalPace(() => time), new LocalPace(() => time)];
    await a.report('ENTITYSHARED', 'throttled', 2_000);
    expect(await a.take('ENTITYSHARED')).toBe(2_000);
    expect(await b.take('ENTITYSHARED')).toBe(0);
  });

  test('Redis unreachable: the process paces alone, keeps going, and says so once', async () => {
    const logs = captureLogger();
    const pace = new RedisPace(new RedisConnection('redis://127.0.0.1:1', logs.logger), () => 0);
    open.push(pace);
    await pace.report('ENTITYGONE', 'throttled', 500);
    expect(await pace.take('ENTITYGONE')).toBe(500);
    expect(logs.lines.filter((l) => l.includes('state_store_unavailable'))).toHaveLength(1);
  });
});
