import { TOKEN_REFRESH_LEEWAY_MS } from '../constants.js';
import { AuthError } from '../errors.js';
import { troubleshooting } from '../catalog/manifest.js';
import type { Clock } from '../clock.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import type { LwaClient, RefreshCredentials } from './lwa-client.js';

/**
 * Owns one installation's access token. Callers ask for `current()` and report a 401 with `rejected(token)`;
 * they never see refresh credentials. Refresh is single-flight: any number of concurrent callers share one
 * request to Login with Amazon. A token with a known lifetime is renewed before it runs out.
 */
export class TokenProvider {
  private token: string;
  private expiresAt: number | undefined;
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
    if (
      this.canRefresh &&
      this.expiresAt !== undefined &&
      this.clock.now() >= this.expiresAt - TOKEN_REFRESH_LEEWAY_MS
    ) {
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
    this.refreshCount++;
    this.inflight = this.lwa
      .refresh(credentials, this.clock.now())
      .then((issued) => {
        this.token = issued.accessToken;
        this.expiresAt = issued.expiresAt;
        this.lastRefreshAt = this.clock.now();
        this.secrets.add(issued.accessToken);
        return issued.accessToken;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
