import { safeJson } from '../http-util.js';
import { openApiValidator } from '../openapi.js';
import type { SandboxCall, SandboxContext, SandboxRoutes } from '../sandbox-context.js';
import { authenticate } from './api-auth.js';

/** `POST /adsApi/v1/query/advertiserAccounts`: the caller's advertiser accounts, paged. */
export const advertiserAccountRoutes: SandboxRoutes = (add) => {
  add({
    method: 'POST',
    path: '/adsApi/v1/query/advertiserAccounts',
    kind: { api: 'advertiserAccounts' },
    handle: advertiserAccounts,
  });
};

function advertiserAccounts(call: SandboxCall, ctx: SandboxContext): void {
  const { reply } = call;
  const account = authenticate(call, ctx, 'v1');
  if (!account) return;
  if (account.forbidden)
    return reply(403, {
      code: 'FORBIDDEN',
      message: 'Access denied: the caller lacks advertiser account access',
    });
  const body = safeJson(call.body.text ?? '') ?? {};
  const validate = openApiValidator('QueryAdvertiserAccountRequest');
  if (!validate(body))
    return reply(400, {
      code: 'BAD_REQUEST',
      message: `Invalid request: ${validate.errors?.[0]?.message ?? ''}`,
    });
  const {
    maxResults = 100,
    nextToken,
    isGlobalAccountFilter,
  } = body as { maxResults?: number; nextToken?: string; isGlobalAccountFilter?: { include?: boolean[] } };
  // SPEC QueryAdvertiserAccountRequest: the filter lists which isGlobalAccount values to return.
  const include = isGlobalAccountFilter?.include;
  const listed = account.advertiserAccounts.filter((a) => !include || include.includes(a.isGlobalAccount));
  const start = nextToken ? Number(nextToken) : 0;
  const page = listed.slice(start, start + maxResults);
  const next = start + maxResults < listed.length ? String(start + maxResults) : undefined;
  reply(200, { advertiserAccounts: page, ...(next ? { nextToken: next } : {}) });
}
