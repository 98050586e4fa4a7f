import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNTS, type SandboxAccount } from '../accounts.js';
import { bearer, header } from '../http-util.js';
import type { SandboxCall, SandboxContext } from '../sandbox-context.js';

/**
 * Common checks of an Ads API call: a live bearer token and a known client id in the API's own header. The
 * v1 APIs answer `{code, message}` (SPEC); the legacy `/v2` ones their own `{code, details, requestId}`
 * (events-api.md §5), and take only the legacy `Amazon-Advertising-API-ClientId` header (§7).
 */
export function authenticate(
  call: SandboxCall,
  ctx: SandboxContext,
  api: 'v1' | 'legacy',
): SandboxAccount | undefined {
  const clientIdHeader = api === 'v1' ? 'Amazon-Ads-ClientId' : 'Amazon-Advertising-API-ClientId';
  const refuse = (status: number, code: string, message: string): undefined => {
    call.reply(
      status,
      api === 'v1' ? { code, message } : { code: String(status), details: message, requestId: randomUUID() },
    );
    return undefined;
  };
  const account = ctx.tokens.accountOf(bearer(call.req));
  if (!account)
    return refuse(401, 'UNAUTHORIZED', 'Not authorized: the access token is missing, invalid or expired');
  const clientId = header(call.req, clientIdHeader);
  if (!clientId) return refuse(400, 'BAD_REQUEST', `Missing required header ${clientIdHeader}`);
  if (!ctx.tokens.isKnownClientId(clientId))
    return refuse(401, 'UNAUTHORIZED', 'The client id is not valid for this access token');
  return account;
}

/** Who sends events, and what an API token binds them to. */
export interface EventsCaller {
  account: SandboxAccount;
  managerAccountId?: string;
  dataSetId?: string;
}

/**
 * Who sends events: an API token (Amazon-Advertising-API-Token, in place of Bearer and client id, bound to a
 * manager account and a dataset), or a bearer token with its client id.
 */
export function eventsCaller(call: SandboxCall, ctx: SandboxContext): EventsCaller | undefined {
  const apiToken = header(call.req, 'Amazon-Advertising-API-Token');
  if (apiToken === undefined) {
    const account = authenticate(call, ctx, 'v1');
    return account ? { account } : undefined;
  }
  for (const account of SANDBOX_ACCOUNTS) {
    const bound = account.apiTokens?.find((t) => t.token === apiToken);
    if (bound) return { account, managerAccountId: bound.managerAccountId, dataSetId: bound.dataSetId };
  }
  call.reply(401, { code: 'UNAUTHORIZED', message: 'Not authorized: the API token is invalid or revoked' });
  return undefined;
}
