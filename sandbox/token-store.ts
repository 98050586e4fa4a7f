import { randomBytes } from 'node:crypto';
import type { SandboxAccount } from './accounts.js';

interface TokenEntry {
  account: SandboxAccount;
  /** undefined: a static token that never expires by time. */
  expiresAt?: number;
}

/** Access tokens the sandbox has issued or knows, with their expiry, and revoked refresh tokens. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly revoked = new Set<string>();
  private issued = 0;

  constructor(
    private readonly accounts: readonly SandboxAccount[],
    private readonly now: () => number,
  ) {
    for (const account of accounts)
      for (const t of account.staticAccessTokens) this.tokens.set(t, { account });
  }

  /** The account of a bearer token that is known and not expired. */
  accountOf(token: string | undefined): SandboxAccount | undefined {
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) return undefined;
    return entry.account;
  }

  issue(account: SandboxAccount, ttlSeconds: number): string {
    const token = `Atza|sbx.${account.key}.${++this.issued}.${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { account, expiresAt: this.now() + ttlSeconds * 1000 });
    return token;
  }

  /** Every issued token stops working now (static tokens too when `includeStatic`). */
  expireAll(includeStatic = false): void {
    for (const [token, entry] of this.tokens) {
      if (entry.expiresAt !== undefined) entry.expiresAt = 0;
      else if (includeStatic) this.tokens.set(token, { ...entry, expiresAt: 0 });
    }
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
