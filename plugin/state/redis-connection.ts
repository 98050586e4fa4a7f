import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/**
 * The one Redis connection of a plugin, shared by its tokens and its pace. Every call either gets Redis's
 * answer or, when Redis cannot be reached, what one process alone would answer; the first such fall-back logs
 * one warning, and delivery goes on.
 */
export class RedisConnection {
  readonly redis: Redis;
  private warned = false;
  /** Settles when the first connection is made or has failed: calls made before then wait for it. */
  private readonly connected: Promise<void>;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      disconnectTimeout: 200,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.redis.on('error', () => this.fellBack());
    this.connected = new Promise<void>((resolve) => {
      this.redis.once('ready', resolve);
      this.redis.once('error', resolve);
    });
  }

  /** A Redis call, or `alone()` when Redis cannot be reached. */
  async call<T>(run: (redis: Redis) => Promise<T>, alone: () => T | Promise<T>): Promise<T> {
    try {
      await this.connected;
      return await run(this.redis);
    } catch {
      this.fellBack();
      return alone();
    }
  }

  close(): void {
    this.redis.disconnect();
  }

  private fellBack(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('Redis unreachable: tokens and request pace are kept per process until it is back', {
      event: 'state_store_unavailable',
    });
  }
}
