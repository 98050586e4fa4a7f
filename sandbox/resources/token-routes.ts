import type { SandboxAccount } from '../accounts.js';
import { header } from '../http-util.js';
import type { SandboxCall, SandboxContext, SandboxRoutes } from '../sandbox-context.js';

/** Login with Amazon's token endpoint (events-api.md §6): the refresh-token and authorization-code grants. */
export const tokenRoutes: SandboxRoutes = (add) => {
  add({ method: 'POST', path: '/auth/o2/token', kind: { api: 'token' }, handle: token });
};

function token(call: SandboxCall, ctx: SandboxContext): void {
  const { reply } = call;
  if (header(call.req, 'authorization')) {
    return reply(400, {
      error: 'invalid_request',
      error_description: 'The request has an unexpected Authorization header',
    });
  }
  if (!(header(call.req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    return reply(400, {
      error: 'invalid_request',
      error_description: 'Content-Type must be application/x-www-form-urlencoded',
    });
  }
  const form = new URLSearchParams(call.body.text);
  if (form.get('grant_type') === 'authorization_code') return exchangeCode(form, call, ctx);
  if (form.get('grant_type') !== 'refresh_token') {
    return reply(400, {
      error: 'unsupported_grant_type',
      error_description: 'Only the refresh_token and authorization_code grants are supported',
    });
  }
  const account = ctx.tokens.accountForRefresh(form.get('client_id') ?? '', form.get('client_secret') ?? '');
  if (!account)
    return reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  if (!ctx.tokens.isRefreshTokenValid(account, form.get('refresh_token') ?? '')) {
    return reply(400, {
      error: 'invalid_grant',
      error_description: 'The request has an invalid grant parameter : refresh_token',
    });
  }
  grant(call, ctx, account);
}

/** `grant_type=authorization_code`: a code once, within 5 minutes, for its client and redirect URI. */
function exchangeCode(form: URLSearchParams, call: SandboxCall, ctx: SandboxContext): void {
  const account = ctx.tokens.accountForRefresh(form.get('client_id') ?? '', form.get('client_secret') ?? '');
  if (!account)
    return call.reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  // Inferred (Amazon's docs give one token host per region): with the strict rules, a code is redeemed at the
  // token endpoint of the region whose sign-in issued it.
  const granted = ctx.codes.redeem(
    form.get('code') ?? '',
    form.get('client_id') ?? '',
    form.get('redirect_uri') ?? '',
    {
      region: call.region,
      sameRegion: ctx.options.tagRules,
    },
  );
  if (typeof granted === 'string')
    return call.reply(400, { error: 'invalid_grant', error_description: granted });
  grant(call, ctx, granted);
}

function grant(call: SandboxCall, ctx: SandboxContext, account: SandboxAccount): void {
  call.reply(200, {
    access_token: ctx.tokens.issue(account),
    token_type: 'bearer',
    expires_in: ctx.options.tokenTtlSeconds,
    refresh_token: account.refreshToken,
  });
}
