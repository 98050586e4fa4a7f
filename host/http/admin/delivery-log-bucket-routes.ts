import { sendJson } from '../http-kit.js';
import type { AdminRoutes } from './admin-context.js';
import { timeWindow } from './time-window.js';

/**
 * An integration's Delivery Log over time: events delivered, rejected and retried per bucket of the window
 * (`1h` in 5 minutes, `24h` in hours, `7d` in 6 hours, `30d` in days), every bucket listed, empty ones as 0.
 */
export const deliveryLogBucketRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/integrations/:id/delivery-log/buckets', (req, res) => {
    ctx.auth(req);
    const row = ctx.integration(req.params.id!);
    const now = ctx.now();
    const w = timeWindow(req, now);
    const sums = new Map(ctx.deliveryLog.buckets(row.id, w.from, w.bucketMs).map((b) => [b.k, b]));
    const buckets = Array.from({ length: w.count }, (_, k) => {
      const b = sums.get(k);
      return {
        at: new Date(w.from + k * w.bucketMs).toISOString(),
        requests: b?.requests ?? 0,
        events: b?.events ?? 0,
        delivered: b?.delivered ?? 0,
        rejected: b?.rejected ?? 0,
        retried: b?.retried ?? 0,
      };
    });
    sendJson(res, 200, {
      window: w.name,
      bucket_ms: w.bucketMs,
      bucket_label: w.bucketLabel,
      from: new Date(w.from).toISOString(),
      to: new Date(now).toISOString(),
      buckets,
    });
  });
};
