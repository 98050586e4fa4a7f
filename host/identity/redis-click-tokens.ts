import type { Redis } from 'ioredis';
import type { Logger } from '../../plugin/index.js';
import { wellFormedToken } from './click-token.js';
import type { ClickTokenStore } from './click-token-store.js';

const PREFIX = 'signal:click-token:';

/**
 * The click-token memory in Redis (`SIGNAL_REDIS_URL`), shared by every host on it: a landing on one host and
 * a purchase on another pair. One key per visitor with Redis's own expiry (`PX`); the last write wins. A value
 * read back is checked like any outside input. When Redis cannot be reached, events go on without the memory
 * (one warning), never fail.
 */
export class RedisClickTokens implements ClickTokenStore {
  private readonly client: Promise<Redis>;
  private warned = false;
  private closed = false;

  constructor(
    url: string,
    private readonly logger?: Logger,
  ) {
    this.client = import('ioredis').then(({ Redis }) => {
      const redis = new Redis(url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 1_000,
        disconnectTimeout: 200,
        // No reconnecting once closed: a pending retry would keep the process alive.
        retryStrategy: (times) => (this.closed ? null : Math.min(times * 200, 2_000)),
      });
      redis.on('error', () => this.unreachable());
      return new Promise<Redis>((resolve) => {
        redis.once('ready', () => resolve(redis));
        redis.once('error', () => resolve(redis));
      });
    });
  }

  async remember(tokens: ReadonlyMap<string, string>, _now: number, ttlMs: number): Promise<void> {
    if (tokens.size === 0 || ttlMs <= 0) return;
    await this.call(async (redis) => {
      const multi = redis.multi();
      for (const [visitor, token] of tokens) multi.set(PREFIX + visitor, token, 'PX', ttlMs);
      await multi.exec();
    }, undefined);
  }

  async recall(visitors: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (visitors.length === 0) return found;
    const values = await this.call((redis) => redis.mget(...visitors.map((v) => PREFIX + v)), []);
    visitors.forEach((visitor, i) => {
      const token = wellFormedToken(values[i]);
      if (token) found.set(visitor, token);
    });
    return found;
  }

  purgeExpired(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    (await this.client).disconnect();
  }

  private async call<T>(run: (redis: Redis) => Promise<T>, alone: T): Promise<T> {
    try {
      return await run(await this.client);
    } catch {
      this.unreachable();
      return alone;
    }
  }

  private unreachable(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger?.warn('Redis unreachable: click tokens are neither remembered nor added until it is back', {
      event: 'click_token_store_unavailable',
    });
  }
}
