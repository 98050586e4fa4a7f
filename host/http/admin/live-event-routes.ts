import type { ServerResponse } from 'node:http';
import { limitParam, sendJson } from '../http-kit.js';
import { page } from '../presenters.js';
import type { AdminRoutes } from './admin-context.js';

/** Live Events: recent events with every stage, and the same as a stream of server-sent events. */
export const liveEventRoutes: AdminRoutes = (router, ctx) => {
  router
    .on('GET', '/v1/admin/live-events', (req, res) => {
      ctx.auth(req);
      const limit = limitParam(req.query);
      const rows = ctx.liveEvents.recent(
        ctx.cursorParam(req) ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
        req.query.get('integration_id') ?? undefined,
      );
      // A page ends early when its inputs reach the bytes one read parses; the cursor goes on from there.
      const entries = ctx.liveEvents.entries(rows.slice(0, limit));
      const p = page(rows.slice(0, entries.length + 1), entries.length, (r) => r.id);
      sendJson(res, 200, { ...p, data: entries });
    })
    .on('GET', '/v1/admin/live-events/stream', (req, res: ServerResponse) => {
      ctx.auth(req, { session: true });
      ctx.live.attach(res);
    });
};
