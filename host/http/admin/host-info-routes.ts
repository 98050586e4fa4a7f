import { sendJson } from '../http-kit.js';
import type { AdminRoutes } from './admin-context.js';

/** Where this host listens, for the page's examples (the ingestion URL with its real port). */
export const hostInfoRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/host', (req, res) => {
    ctx.auth(req);
    sendJson(res, 200, { ingest_url: ctx.ingestUrl?.() ?? null });
  });
};
