import { randomBytes } from 'node:crypto';

/** The host's own Login with Amazon application, for "Connect with Amazon". */
export interface AmazonOAuthApp {
  clientId: string;
  clientSecret: string;
  /** Login with Amazon's authorization page (`https://www.amazon.com/ap/oa`; the sandbox's `/ap/oa`). */
  authorizeUrl: string;
}

const STATE_TTL_MS = 10 * 60_000;

/** What an authorization was started for: the callback URL, and the integration a reconnect renews. */
export interface OAuthStart {
  redirectUri: string;
  integrationId?: string;
}

/** Authorization requests under way: each state is random, used once, and expires after 10 minutes. */
export class OAuthStates {
  private readonly states = new Map<string, OAuthStart & { expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  start(start: OAuthStart): string {
    for (const [s, v] of this.states) if (v.expiresAt < this.now()) this.states.delete(s);
    const state = randomBytes(24).toString('base64url');
    this.states.set(state, { ...start, expiresAt: this.now() + STATE_TTL_MS });
    return state;
  }

  /** What a state still valid was started with, and the state is then used up; undefined for any other. */
  take(state: string | null): OAuthStart | undefined {
    const entry = state ? this.states.get(state) : undefined;
    if (!entry) return undefined;
    this.states.delete(state!);
    return entry.expiresAt >= this.now() ? entry : undefined;
  }
}
