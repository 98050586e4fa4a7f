import { sendJson } from '../http-kit.js';
import { reasonForView } from '../../pipeline/view-redaction.js';
import type { FunnelRow } from '../../store/deliveries-repo.js';
import type { AdminRoutes } from './admin-context.js';
import { timeWindow } from './time-window.js';

/** A funnel stage of a group of delivery rows: where an event accepted for the integration stands. */
function stageOf(
  r: FunnelRow,
): 'filtered' | 'invalid' | 'delivered' | 'rejected' | 'retrying' | 'dead' | 'waiting' {
  if (
    r.status === 'filtered' ||
    r.status === 'invalid' ||
    r.status === 'delivered' ||
    r.status === 'rejected'
  )
    return r.status;
  if (r.status === 'dead') return 'dead';
  return r.status === 'queued' && r.tried ? 'retrying' : 'waiting';
}

/** How many reasons the funnel lists. */
const TOP_REASONS = 10;

/**
 * An integration's delivery funnel over a window (by when events arrived): received → filtered / invalid →
 * sent → delivered / rejected / retrying / dead (or still waiting), with the top reasons, a message and a
 * sample event for each.
 */
export const deliveryFunnelRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/integrations/:id/funnel', (req, res) => {
    ctx.auth(req);
    const row = ctx.integration(req.params.id!);
    const now = ctx.now();
    const w = timeWindow(req, now);
    const stages = { filtered: 0, invalid: 0, delivered: 0, rejected: 0, retrying: 0, dead: 0, waiting: 0 };
    const reasons: Array<{
      stage: string;
      code: string;
      message: string | null;
      count: number;
      sample_event_id: string;
    }> = [];
    for (const r of ctx.deliveries.funnel(row.id, new Date(w.from).toISOString())) {
      const stage = stageOf(r);
      stages[stage] += r.n;
      if (r.code && stage !== 'delivered')
        // Amazon's messages can quote what they refused: shown as every reason is.
        reasons.push({
          stage,
          code: r.code,
          message: reasonForView(r.message),
          count: r.n,
          sample_event_id: r.sample,
        });
    }
    const received = Object.values(stages).reduce((a, b) => a + b, 0);
    sendJson(res, 200, {
      window: w.name,
      from: new Date(w.from).toISOString(),
      to: new Date(now).toISOString(),
      received,
      ...stages,
      sent: received - stages.filtered - stages.invalid,
      reasons: reasons.sort((a, b) => b.count - a.count).slice(0, TOP_REASONS),
    });
  });
};
