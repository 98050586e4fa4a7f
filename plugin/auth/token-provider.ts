import { TOKEN_REFRESH_LEEWAY_MS } from '../constants.js';
import { AuthError } from '../errors.js';
import { troubleshooting } from '../catalog/manifest.js';
import type { Clock } from '../clock.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import type { IssuedToken, LwaClient, RefreshCredentials } from './lwa-client.js';
import { credentialKey, LocalTokens, type SharedToken, type SharedTokens } from '../state/shared-tokens.js';

/** How long one process may hold a credential's renewal, and how long the others wait for its token. */
const RENEWAL_LOCK_MS = 10_000;
const RENEWAL_POLL_MS = 50;

/**
 * Owns one installation's access token. Callers ask for `current()` and report a 401 with `rejected(token)`;
 * they never see refresh credentials. Refresh is single-flight: any number of concurrent callers share one
 * request to Login with Amazon, and, with shared tokens (Redis), so do other processes: one renews under a lock
 * while the others wait for its token. A token with a known lifetime is renewed before it runs out.
 */
export class TokenProvider {
  private token: string;
  private expiresAt: number | undefined;
  /** When to renew the token: `renewAtOf` its expiry. */
  private renewAt: number | undefined;
  private inflight: Promise<string> | undefined;
  /** Login with Amazon requests made; read by tests and the benchmark. */
  refreshCount = 0;
  /** When the token was last renewed (epoch ms), for the host's token health. */
  lastRefreshAt: number | undefined;

  constructor(
    initialAccessToken: string,
    private readonly refreshCredentials: RefreshCredentials | undefined,
    private readonly lwa: LwaClient,
    private readonly clock: Clock,
    private readonly secrets: SecretRegistry,
    private readonly shared: SharedTokens = new LocalTokens(),
  ) {
    this.token = initialAccessToken;
    secrets.add(initialAccessToken, refreshCredentials?.clientSecret, refreshCredentials?.refreshToken);
  }

  /** When the current token stops working (epoch ms), when Amazon said so; undefined for a token given as is. */
  get expiry(): number | undefined {
    return this.expiresAt;
  }

  get canRefresh(): boolean {
    return this.refreshCredentials !== undefined;
  }

  /** A token to use now; renews it first when it is about to expire and can be renewed. */
  async current(): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.canRefresh && this.renewAt !== undefined && this.clock.now() >= this.renewAt) {
      return this.refresh();
    }
    return this.token;
  }

  /**
   * Amazon answered 401 to `token`. Returns a fresh token to retry with, or throws `AuthError` when the
   * token cannot be renewed. A 401 for a token already replaced returns the replacement without a new request.
   */
  async rejected(token: string): Promise<string> {
    if (!this.canRefresh) throw new AuthError(troubleshooting('401'));
    if (this.inflight) return this.inflight;
    if (token !== this.token) return this.token;
    return this.refresh();
  }

  private refresh(): Promise<string> {
    const credentials = this.refreshCredentials;
    if (!credentials) return Promise.reject(new AuthError(troubleshooting('401')));
    this.inflight = this.renew(credentials).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * A token in place of the current one: another process's, when it renewed it already or is renewing it now,
   * else one this process asks Login with Amazon for (and shares).
   */
  private async renew(credentials: RefreshCredentials): Promise<string> {
    const key = credentialKey(credentials.clientId, credentials.refreshToken);
    const stale = this.token;
    const usable = (t: SharedToken | undefined): t is SharedToken =>
      t !== undefined && t.token !== stale && this.clock.now() < t.renewAt;
    let shared = await this.shared.read(key);
    if (usable(shared)) return this.adopt(shared);
    if (await this.shared.lock(key, RENEWAL_LOCK_MS)) {
      try {
        shared = await this.shared.read(key);
        if (usable(shared)) return this.adopt(shared);
        return await this.renewHere(credentials, key);
      } finally {
        await this.shared.unlock(key);
      }
    }
    // Another process holds the lock: its token comes soon (wait no longer than the lock lasts).
    for (let waited = 0; waited < RENEWAL_LOCK_MS; waited += RENEWAL_POLL_MS) {
      await this.clock.sleep(RENEWAL_POLL_MS);
      shared = await this.shared.read(key);
      if (usable(shared)) return this.adopt(shared);
    }
    return this.renewHere(credentials, key);
  }

  private async renewHere(credentials: RefreshCredentials, key: string): Promise<string> {
    this.refreshCount++;
    const issued: IssuedToken = await this.lwa.refresh(credentials, this.clock.now());
    const now = this.clock.now();
    const token = { token: issued.accessToken, expiresAt: issued.expiresAt, renewAt: renewAtOf(issued, now) };
    await this.shared.write(key, token);
    return this.adopt(token);
  }

  private adopt(shared: SharedToken): string {
    this.token = shared.token;
    this.expiresAt = shared.expiresAt;
    this.renewAt = shared.renewAt;
    this.lastRefreshAt = this.clock.now();
    this.secrets.add(shared.token);
    return shared.token;
  }
}

/**
 * When a token is renewed: `TOKEN_REFRESH_LEEWAY_MS` before it expires, or a tenth of its lifetime before when
 * it lives less than ten times that (a 5 s token of a test sandbox is renewed after 4.5 s, not at once).
 */
function renewAtOf(issued: IssuedToken, now: number): number {
  return issued.expiresAt - Math.min(TOKEN_REFRESH_LEEWAY_MS, (issued.expiresAt - now) / 10);
}
