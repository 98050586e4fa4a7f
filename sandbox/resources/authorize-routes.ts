import { SANDBOX_ACCOUNTS } from '../accounts.js';
import { ADS_SCOPES, consentPage, errorPage, isRegisteredRedirect, redirect } from '../authorize.js';
import type { SandboxCall, SandboxContext, SandboxRoutes } from '../sandbox-context.js';

/** Login with Amazon's authorization endpoint: the consent page (GET) and its form (POST). */
export const authorizeRoutes: SandboxRoutes = (add) => {
  add({
    method: 'GET',
    path: '/ap/oa',
    kind: 'page',
    handle: (call, ctx) => authorize(call, ctx, call.url.searchParams),
  });
  add({
    method: 'POST',
    path: '/ap/oa',
    kind: 'page',
    handle: (call, ctx) => authorize(call, ctx, new URLSearchParams(call.body.text)),
  });
};

/**
 * Login with Amazon's authorization endpoint (events-api.md §6): GET shows the consent page for a known client
 * and a registered redirect URI; its form posts back here, and Allow redirects with a code, Cancel with
 * `error=access_denied`. An unknown client or an unregistered redirect URI gets an error page, never a redirect.
 */
function authorize(call: SandboxCall, ctx: SandboxContext, params: URLSearchParams): void {
  const { res } = call;
  const account = SANDBOX_ACCOUNTS.find((a) => a.clientId === params.get('client_id'));
  if (!account) return errorPage(res, 'The client_id is not known');
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!isRegisteredRedirect(redirectUri, ctx.options.redirectUris))
    return errorPage(res, 'The redirect_uri is not registered for this application');
  const state = params.get('state');
  const answer = (p: Record<string, string>) => redirect(res, redirectUri, state ? { ...p, state } : p);
  if (params.get('response_type') !== 'code') return answer({ error: 'unsupported_response_type' });
  const scope = params.get('scope') ?? '';
  if (!ADS_SCOPES.includes(scope)) return answer({ error: 'invalid_scope' });
  if (call.method === 'GET')
    return consentPage(res, `Amazon DSP Events (${account.key})`, params, call.url.pathname);
  if (params.has('approve'))
    return answer({ code: ctx.codes.issue(account, redirectUri, call.region), scope });
  answer({ error: 'access_denied', error_description: 'The user denied the request' });
}
