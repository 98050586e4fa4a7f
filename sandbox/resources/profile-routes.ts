import { sendJson } from '../http-util.js';
import type { SandboxCall, SandboxContext, SandboxRoutes } from '../sandbox-context.js';
import { authenticate } from './api-auth.js';

/** The legacy profiles API: the caller's profiles, those of the region host asked. */
export const profileRoutes: SandboxRoutes = (add) => {
  add({ method: 'GET', path: '/v2/profiles', kind: { api: 'profiles' }, handle: profiles });
};

function profiles(call: SandboxCall, ctx: SandboxContext): void {
  const account = authenticate(call, ctx, 'legacy');
  if (!account) return;
  const listed = account.profiles.filter((p) => !call.region || p.region === call.region);
  // profileId is a JSON number, written digit for digit even beyond 2^53, as Amazon does.
  const text = `[${listed
    .map((p) => {
      const { profileId, region: _r, ...rest } = p;
      void _r;
      return JSON.stringify({ profileId: '__ID__', ...rest }).replace('"__ID__"', profileId);
    })
    .join(',')}]`;
  call.record(200);
  sendJson(call.res, 200, text);
}
