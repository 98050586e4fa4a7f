import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SandboxAccount, SandboxRegion } from './accounts.js';

/** The scope the Ads API asks for, and its legacy alias (events-api.md §6). */
export const ADS_SCOPES: readonly string[] = [
  'advertising::campaign_management',
  'cpc_advertising:campaign_management',
];
/** How long an authorization code can be exchanged (events-api.md §6: 5 minutes). */
export const CODE_TTL_MS = 5 * 60_000;

/**
 * Whether an application registered `uri` as a return URL. Every sandbox application registers the reference
 * host's callback on a loopback address, any port (a loopback redirect, as RFC 8252 allows), and any URL the
 * sandbox was started with.
 */
export function isRegisteredRedirect(uri: string, extra: readonly string[]): boolean {
  if (extra.includes(uri)) return true;
  try {
    const u = new URL(uri);
    return (
      u.protocol === 'http:' &&
      (u.hostname === '127.0.0.1' || u.hostname === 'localhost') &&
      u.pathname === '/v1/admin/oauth/amazon/callback' &&
      u.search === '' &&
      u.hash === ''
    );
  } catch {
    return false;
  }
}

interface IssuedCode {
  account: SandboxAccount;
  clientId: string;
  redirectUri: string;
  /** The region whose sign-in page issued it (its prefix), or none (unprefixed). */
  region: SandboxRegion | undefined;
  expiresAt: number;
  used: boolean;
}

/** Authorization codes issued on consent: each works once, within 5 minutes, for its client and redirect URI. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, IssuedCode>();

  constructor(private readonly now: () => number) {}

  issue(account: SandboxAccount, redirectUri: string, region?: SandboxRegion): string {
    const code = `ANsbx${randomBytes(16).toString('hex')}`;
    this.codes.set(code, {
      account,
      clientId: account.clientId,
      redirectUri,
      region,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
    });
    return code;
  }

  /**
   * The account a code grants, or why it grants nothing (used, expired, another client or redirect URI, or,
   * with `sameRegion`, another region's token endpoint than the sign-in's).
   */
  redeem(
    code: string,
    clientId: string,
    redirectUri: string,
    at?: { region: SandboxRegion | undefined; sameRegion: boolean },
  ): SandboxAccount | string {
    const issued = this.codes.get(code);
    if (!issued) return 'The authorization code is not valid';
    if (issued.used) return 'The authorization code has already been used';
    issued.used = true;
    if (this.now() > issued.expiresAt) return 'The authorization code has expired';
    if (issued.clientId !== clientId) return 'The authorization code was issued to another client';
    if (issued.redirectUri !== redirectUri)
      return 'The redirect_uri does not match the authorization request';
    if (at?.sameRegion && issued.region && at.region && issued.region !== at.region)
      return `The authorization code was issued by the ${issued.region} sign-in, not ${at.region}'s`;
    return issued.account;
  }
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Login with Amazon's consent page: the application, the scope, Allow and Cancel in one form posting back to
 * `action` (the page's own path, region prefix included).
 */
export function consentPage(
  res: ServerResponse,
  applicationName: string,
  params: URLSearchParams,
  action = '/ap/oa',
): void {
  const hidden = ['client_id', 'scope', 'response_type', 'redirect_uri', 'state']
    .map((name) => `<input type="hidden" name="${name}" value="${escape(params.get(name) ?? '')}">`)
    .join('\n      ');
  html(
    res,
    200,
    `<h1>Amazon</h1>
    <p><strong>${escape(applicationName)}</strong> would like to access your Amazon Ads account:</p>
    <ul><li>${escape(params.get('scope') ?? '')}: manage your advertising campaigns</li></ul>
    <form method="post" action="${escape(action)}">
      ${hidden}
      <button type="submit" name="approve" value="1">Allow</button>
      <button type="submit" name="deny" value="1">Cancel</button>
    </form>`,
  );
}

/** An error page of Login with Amazon's (for requests it does not redirect: unknown client, bad redirect URI). */
export function errorPage(res: ServerResponse, message: string): void {
  html(res, 400, `<h1>Amazon</h1><p>An error occurred: ${escape(message)}</p>`);
}

function html(res: ServerResponse, status: number, body: string): void {
  const text = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Amazon Sign-In</title></head><body>${body}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** 302 to the client's redirect URI with these parameters. */
export function redirect(res: ServerResponse, redirectUri: string, params: Record<string, string>): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  res.writeHead(302, { location: url.toString(), 'content-length': 0 });
  res.end();
}
