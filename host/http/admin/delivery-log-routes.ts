import { HttpError, limitParam, sendJson } from '../http-kit.js';
import { reasonForView } from '../../pipeline/view-redaction.js';
import { page } from '../presenters.js';
import type { AdminRoutes } from './admin-context.js';

/** An integration's Delivery Log: one row per request to Amazon, newest first, filtered by HTTP status. */
export const deliveryLogRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/integrations/:id/delivery-log', (req, res) => {
    ctx.auth(req);
    const row = ctx.integration(req.params.id!);
    const limit = limitParam(req.query);
    const statusParam = req.query.get('status');
    const status = statusParam === null ? undefined : Number(statusParam);
    if (status !== undefined && (!Number.isInteger(status) || status < 0 || status > 599)) {
      throw new HttpError(400, 'invalid_request', 'status must be an HTTP status (0 for no answer).', [
        { field: 'status', message: 'must be 0 to 599' },
      ]);
    }
    const before = ctx.cursorParam(req) ?? Number.MAX_SAFE_INTEGER;
    const rows = ctx.deliveryLog.page(row.id, before, limit + 1, status);
    const p = page(rows, limit, (r) => r.id);
    // Amazon's messages can quote what they refused: shown as every reason is.
    sendJson(res, 200, { ...p, data: p.data.map((r) => ({ ...r, error: reasonForView(r.error) })) });
  });
};
