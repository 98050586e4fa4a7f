import type { SandboxRegion } from '../accounts.js';
import { header } from '../http-util.js';
import type { SandboxCall, SandboxContext } from '../sandbox-context.js';
import type { EventsCaller } from './api-auth.js';

/**
 * The account the events are for: the manager account (events-api.md §2: it replaces the advertiser; an API
 * token is bound to one) or the advertiser, which the caller must be able to reach. Answers the refusal and
 * gives undefined otherwise.
 */
export function eventsAccount(
  call: SandboxCall,
  ctx: SandboxContext,
  caller: EventsCaller,
): { accountId: string; region: SandboxRegion | undefined } | undefined {
  const { reply } = call;
  const { account } = caller;
  const managerId = header(call.req, 'Amazon-Ads-Manager-AccountId');
  const accountId = managerId ?? header(call.req, 'Amazon-Ads-AccountId');
  if (!accountId) {
    reply(400, {
      code: 'BAD_REQUEST',
      message: 'Missing required header Amazon-Ads-AccountId (or Amazon-Ads-Manager-AccountId)',
    });
    return undefined;
  }
  if (account.forbidden) {
    reply(403, { code: 'FORBIDDEN', message: 'Access denied: event_manager_edit permission is required' });
    return undefined;
  }
  if (managerId !== undefined) {
    const manager = account.managerAccounts?.find((m) => m.managerAccountId === managerId);
    if (!manager || (caller.managerAccountId !== undefined && caller.managerAccountId !== managerId)) {
      reply(403, { code: 'FORBIDDEN', message: 'Access denied to this manager account' });
      return undefined;
    }
    return { accountId, region: call.region };
  }
  if (caller.managerAccountId !== undefined) {
    reply(400, {
      code: 'BAD_REQUEST',
      message: 'An API token sends events for its manager account: use Amazon-Ads-Manager-AccountId',
    });
    return undefined;
  }
  // Amazon-Ads-AccountId: the numeric DSP advertiser id, or the advertiser account id (amzn1.ads-account.g…).
  const accounts = account.advertiserAccounts.filter(
    (a) =>
      a.advertiserAccountId === accountId || a.alternateIds.some((alt) => alt.dspAdvertiserId === accountId),
  );
  if (accounts.length === 0) {
    reply(403, { code: 'FORBIDDEN', message: 'Access denied to this advertiser account' });
    return undefined;
  }
  const regions = accounts.flatMap((a) =>
    a.alternateIds.filter((alt) => a.advertiserAccountId === accountId || alt.dspAdvertiserId === accountId),
  );
  // Inferred, not stated by Amazon (events-api.md §2 names the hosts per region): only with tagRules.
  const region = call.region;
  if (ctx.options.tagRules && region && !regions.some((alt) => alt.region === region)) {
    reply(404, { code: 'NOT_FOUND', message: `Advertiser account not found in region ${region}` });
    return undefined;
  }
  // The advertiser's region: the host it was sent to, else the one its ids name (one alone).
  const named = new Set(regions.map((alt) => alt.region));
  return { accountId, region: region ?? (named.size === 1 ? [...named][0] : undefined) };
}
