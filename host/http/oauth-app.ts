import { randomBytes } from 'node:crypto';
import type { Region } from '../../plugin/index.js';
import { sameSecret } from './same-secret.js';

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

/** The cookie that binds an authorization to the browser that started it. */
export const BROWSER_COOKIE = 'signal_oauth';
export const STATE_TTL_S = STATE_TTL_MS / 1000;

/**
 * What an authorization was started for: the callback URL, the region whose sign-in page the user was sent to
 * (its token endpoint exchanges the code), and the integration a reconnect renews.
 */
export interface OAuthStart {
  redirectUri: string;
  region: Region;
  integrationId?: string;
}

/** A browser's binding value: the one its cookie holds when well formed, else a new random one. */
export function browserBinding(fromCookie: string | undefined): string {
  return fromCookie && /^[\w-]{32}$/.test(fromCookie) ? fromCookie : randomBytes(24).toString('base64url');
}

/**
 * Authorization requests under way: each state is random, used once, expires after 10 minutes, and is bound
 * to the browser that started it (the value of its `signal_oauth` cookie): a state alone completes nothing.
 */
export class OAuthStates {
  private readonly states = new Map<string, OAuthStart & { browser: string; expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  start(start: OAuthStart & { browser: string }): string {
    for (const [s, v] of this.states) if (v.expiresAt < this.now()) this.states.delete(s);
    const state = randomBytes(24).toString('base64url');
    this.states.set(state, { ...start, expiresAt: this.now() + STATE_TTL_MS });
    return state;
  }

  /**
   * What a state still valid was started with, when `browser` (its cookie) is the one that started it; the
   * state is then used up. Undefined for any other, and a wrong browser leaves the state to its owner.
   */
  take(state: string | null, browser: string | undefined): OAuthStart | undefined {
    const entry = state ? this.states.get(state) : undefined;
    if (!entry || !browser || !sameSecret(browser, entry.browser)) return undefined;
    this.states.delete(state!);
    return entry.expiresAt >= this.now() ? entry : undefined;
  }
}
