import { randomBytes } from 'node:crypto';
import type { SandboxAccount } from './accounts.js';

interface TokenEntry {
  account: SandboxAccount;
  expiresAt: number;
}

/** Access tokens the sandbox has issued or knows, with their expiry, and revoked refresh tokens. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly revoked = new Set<string>();
  private issued = 0;

  /**
   * Every access token lasts `ttlSeconds` (Login with Amazon's are 3600 s: events-api.md §6), the accounts'
   * well-known tokens counted from when the sandbox starts, as if issued then.
   */
  constructor(
    private readonly accounts: readonly SandboxAccount[],
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {
    const expiresAt = now() + ttlSeconds * 1000;
    for (const account of accounts)
      for (const t of account.staticAccessTokens) this.tokens.set(t, { account, expiresAt });
  }

  /** The account of a bearer token that is known and not expired. */
  accountOf(token: string | undefined): SandboxAccount | undefined {
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry) return undefined;
    return entry.expiresAt > this.now() ? entry.account : undefined;
  }

  /** A new access token of the account; its lifetime in seconds is `ttlSeconds`. */
  issue(account: SandboxAccount): string {
    const token = `Atza|sbx.${account.key}.${++this.issued}.${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { account, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return token;
  }

  /** When a known token stops working (epoch ms), for `/auth/o2/tokeninfo`. */
  expiryOf(token: string | undefined): number | undefined {
    return token ? this.tokens.get(token)?.expiresAt : undefined;
  }

  /** Every issued token stops working now (the accounts' well-known tokens too when `includeStatic`). */
  expireAll(includeStatic = false): void {
    const wellKnown = new Set(this.accounts.flatMap((a) => a.staticAccessTokens));
    for (const [token, entry] of this.tokens) if (includeStatic || !wellKnown.has(token)) entry.expiresAt = 0;
  }

  revokeRefreshToken(refreshToken: string): void {
    this.revoked.add(refreshToken);
  }

  accountForRefresh(clientId: string, clientSecret: string): SandboxAccount | undefined {
    return this.accounts.find((a) => a.clientId === clientId && a.clientSecret === clientSecret);
  }

  isRefreshTokenValid(account: SandboxAccount, refreshToken: string): boolean {
    return account.refreshToken === refreshToken && !this.revoked.has(refreshToken);
  }

  isKnownClientId(clientId: string | undefined): boolean {
    return this.accounts.some((a) => a.clientId === clientId);
  }
}
