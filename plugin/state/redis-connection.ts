import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/**
 * The one Redis connection of a plugin, shared by its tokens and its pace (ioredis, loaded when the connection
 * is made, so a plugin without Redis never loads it). Every call either gets Redis's answer or, when Redis
 * cannot be reached, what one process alone would answer; the first such fall-back logs one warning, and
 * delivery goes on.
 */
export class RedisConnection {
  private warned = false;
  private closed = false;
  /** The client once its first connection is made or has failed: calls made before then wait for it. */
  private readonly client: Promise<Redis>;
  /** Lua commands to define on the client (ioredis sends each script once, then its SHA). */
  private readonly commands: Array<[name: string, lua: string]> = [];
  private made: Redis | undefined;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.client = import('ioredis').then(
      ({ Redis }) =>
        new Promise<Redis>((resolve) => {
          const redis = new Redis(url, {
            lazyConnect: false,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            connectTimeout: 1_000,
            disconnectTimeout: 200,
            retryStrategy: (times) => Math.min(times * 200, 2_000),
          });
          this.made = redis;
          for (const [name, lua] of this.commands) redis.defineCommand(name, { numberOfKeys: 1, lua });
          redis.on('error', () => this.fellBack());
          if (this.closed) redis.disconnect();
          redis.once('ready', () => resolve(redis));
          redis.once('error', () => resolve(redis));
        }),
    );
  }

  /** Defines a Lua command of one key, called as `redis[name](key, ...args)`. */
  define(name: string, lua: string): void {
    this.commands.push([name, lua]);
    this.made?.defineCommand(name, { numberOfKeys: 1, lua });
  }

  /** A Redis call, or `alone()` when Redis cannot be reached. */
  async call<T>(run: (redis: Redis) => Promise<T>, alone: () => T | Promise<T>): Promise<T> {
    try {
      return await run(await this.client);
    } catch {
      this.fellBack();
      return alone();
    }
  }

  close(): void {
    this.closed = true;
    void this.client.then((redis) => redis.disconnect());
  }

  private fellBack(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('Redis unreachable: tokens and request pace are kept per process until it is back', {
      event: 'state_store_unavailable',
    });
  }
}
