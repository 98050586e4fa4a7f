import { randomBytes } from 'node:crypto';
import type { Region } from '../../plugin/index.js';

/** The host's own Login with Amazon application, for "Connect with Amazon". */
export interface AmazonOAuthApp {
  clientId: string;
  clientSecret: string;
  /**
   * Login with Amazon's authorization page for each region's accounts (`LWA_AUTHORIZE_URLS`: www.amazon.com,
   * eu.account.amazon.com, apac.account.amazon.com; the sandbox's `/na`, `/eu`, `/fe` + `/ap/oa`).
   */
  authorizeUrls: Readonly<Record<Region, string>>;
}

const STATE_TTL_MS = 10 * 60_000;

/**
 * What an authorization was started for: the callback URL, the region whose sign-in page the user was sent to
 * (its token endpoint exchanges the code), and the integration a reconnect renews.
 */
export interface OAuthStart {
  redirectUri: string;
  region: Region;
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
