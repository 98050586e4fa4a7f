import { sendJson } from '../http-kit.js';
import type { AdminRoutes } from './admin-context.js';

/** Events accepted and deliveries per status. */
export const statsRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/stats', (req, res) => {
    ctx.auth(req);
    sendJson(res, 200, { events: ctx.deliveries.eventCount(), deliveries: ctx.deliveries.counts() });
  });
};
