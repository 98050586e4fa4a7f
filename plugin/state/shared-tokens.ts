import { createHash, randomBytes } from 'node:crypto';
import type { RedisConnection } from './redis-connection.js';

/** An access token as the processes share it. */
export interface SharedToken {
  token: string;
  /** Epoch ms when Amazon said it stops working. */
  expiresAt: number;
  /** Epoch ms from when it is renewed (some time before it expires). */
  renewAt: number;
}

/**
 * Where the access token of one Login with Amazon credential lives when several processes deliver for it, and
 * the lock that lets one of them renew it while the others wait (single flight across processes).
 * Keys are a hash of the credential, never the secret.
 */
export interface SharedTokens {
  read(credential: string): Promise<SharedToken | undefined>;
  write(credential: string, token: SharedToken): Promise<void>;
  /** True when this process now holds the renewal lock of the credential (for `ttlMs` at most). */
  lock(credential: string, ttlMs: number): Promise<boolean>;
  unlock(credential: string): Promise<void>;
  close(): Promise<void>;
}

/** The key of a credential: a hash of the client id and refresh token. */
export function credentialKey(clientId: string, refreshToken: string): string {
  return createHash('sha256').update(`${clientId}\n${refreshToken}`).digest('hex').slice(0, 32);
}

/** One process alone (the default): nothing is shared, every lock is granted; today's behaviour. */
export class LocalTokens implements SharedTokens {
  async read(): Promise<undefined> {
    return undefined;
  }
  async write(): Promise<void> {}
  async lock(): Promise<boolean> {
    return true;
  }
  async unlock(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Longer than any access token Login with Amazon issues (about 400 characters); larger values are not read. */
const MAX_SHARED_TOKEN_BYTES = 8_192;
/** What may go in an Authorization header: visible ASCII, no space, no control character. */
const TOKEN_TEXT = /^[\x21-\x7e]{1,4096}$/;

/**
 * The one place a shared token read from Redis is parsed. Whatever is stored there (garbage, truncated JSON,
 * another shape, a huge value, a token that would break a header) reads as no token: this process then renews
 * it itself and writes a good one in its place.
 */
export function sharedTokenFrom(stored: Buffer): SharedToken | undefined {
  if (stored.length > MAX_SHARED_TOKEN_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(stored.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { token, expiresAt, renewAt } = value as Record<string, unknown>;
  if (typeof token !== 'string' || !TOKEN_TEXT.test(token)) return undefined;
  if (!Number.isFinite(expiresAt) || !Number.isFinite(renewAt)) return undefined;
  if ((renewAt as number) > (expiresAt as number)) return undefined;
  return { token, expiresAt: expiresAt as number, renewAt: renewAt as number };
}

const UNLOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Tokens shared through Redis: the token under `amazon-dsp:token:<hash>` (expiring with it), the renewal lock
 * under `amazon-dsp:renew:<hash>` (SET NX PX, released only by its holder). When Redis cannot be reached, each
 * call answers as one process alone would (no shared token, lock granted): at worst one renewal per process.
 */
export class RedisTokens implements SharedTokens {
  private readonly holder = randomBytes(12).toString('hex');

  constructor(private readonly connection: RedisConnection) {}

  async read(credential: string): Promise<SharedToken | undefined> {
    const text = await this.connection.call(
      // One byte past the limit at most: a huge value is never fetched whole.
      (r) => r.getrangeBuffer(`amazon-dsp:token:${credential}`, 0, MAX_SHARED_TOKEN_BYTES),
      () => null,
    );
    return text === null ? undefined : sharedTokenFrom(text);
  }

  async write(credential: string, token: SharedToken): Promise<void> {
    const ttl = Math.max(1, token.expiresAt - Date.now());
    await this.connection.call(
      (r) => r.set(`amazon-dsp:token:${credential}`, JSON.stringify(token), 'PX', ttl),
      () => null,
    );
  }

  async lock(credential: string, ttlMs: number): Promise<boolean> {
    const ok = await this.connection.call(
      (r) => r.set(`amazon-dsp:renew:${credential}`, this.holder, 'PX', ttlMs, 'NX'),
      () => 'OK',
    );
    return ok === 'OK';
  }

  async unlock(credential: string): Promise<void> {
    await this.connection.call(
      (r) => r.eval(UNLOCK, 1, `amazon-dsp:renew:${credential}`, this.holder),
      () => 0,
    );
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
