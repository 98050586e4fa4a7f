import { HttpError, limitParam, sendJson } from '../http-kit.js';
import { reasonForView } from '../../pipeline/view-redaction.js';
import { page } from '../presenters.js';
import type { AdminRoutes } from './admin-context.js';

/** An integration's dead letters, and putting them back on the queue. */
export const deadLetterRoutes: AdminRoutes = (router, ctx) => {
  router
    .on('GET', '/v1/admin/integrations/:id/dead-letters', (req, res) => {
      ctx.auth(req);
      const row = ctx.integration(req.params.id!);
      const limit = limitParam(req.query);
      const rows = ctx.deliveries.deadLetters(row.id, ctx.cursorParam(req) ?? 0, limit + 1);
      const p = page(rows, limit, (r) => r.id);
      sendJson(res, 200, {
        ...p,
        data: p.data.map((r) => ({
          id: r.id,
          event_id: r.event_id,
          attempts: r.attempts,
          code: r.outcome_code,
          reason: reasonForView(r.outcome_message),
          updated_at: r.updated_at,
        })),
      });
    })
    .on('POST', '/v1/admin/integrations/:id/dead-letters/replay', async (req, res) => {
      ctx.auth(req);
      const row = ctx.integration(req.params.id!);
      const body = (await req.body()) ?? {};
      // Nothing, {}, or {"ids": [...]}: a body of another shape ([1], say) must not replay everything.
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new HttpError(400, 'invalid_request', 'The body must be {"ids": [...]} or empty.');
      ctx.onlyFields(body, ['ids']);
      const { ids } = body as { ids?: unknown };
      if (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => Number.isInteger(i)))) {
        throw new HttpError(400, 'invalid_request', 'ids must be a list of dead letter ids.', [
          { field: 'ids', message: 'must be a list of integers' },
        ]);
      }
      const replayed = ctx.deliveries.replay(row.id, ids as number[] | undefined, ctx.iso());
      ctx.integrations.setNeedsReconnect(row.id, false);
      sendJson(res, 200, { replayed: replayed.length, ids: replayed });
    });
};
