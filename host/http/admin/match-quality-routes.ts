import { type Metric } from '../../../plugin/index.js';
import { qualityAlerts, qualityFigures, scoreOf, TOTALS } from '../../../plugin/quality/quality-report.js';
import { hourOf } from '../../store/match-quality-repo.js';
import { HttpError, sendJson } from '../http-kit.js';
import type { AdminRoutes } from './admin-context.js';

const HOUR_MS = 3_600_000;
/** The windows the API offers. */
export const WINDOWS: Readonly<Record<string, number>> = {
  '1h': HOUR_MS,
  '24h': 24 * HOUR_MS,
  '7d': 7 * 24 * HOUR_MS,
  '30d': 30 * 24 * HOUR_MS,
};

/**
 * Match quality of an integration over a window: per Amazon event type, which match keys arrive and what share,
 * consent, limited data use and the score; totals, reasons, alerts against the window before, and an hourly
 * trend. Counters are per hour: the window starts at the top of the hour `window` ago and ends now.
 */
export const matchQualityRoutes: AdminRoutes = (router, ctx) => {
  router.on('GET', '/v1/admin/integrations/:id/match-quality', (req, res) => {
    ctx.auth(req);
    const row = ctx.integration(req.params.id!);
    const window = req.query.get('window') ?? '24h';
    // A user-given key: only the table's own entries count (`constructor` or `__proto__` are no window).
    const length = Object.hasOwn(WINDOWS, window) ? WINDOWS[window] : undefined;
    if (length === undefined)
      throw new HttpError(
        400,
        'invalid_request',
        `window must be one of ${Object.keys(WINDOWS).join(', ')}.`,
        [{ field: 'window', message: 'is not a known window' }],
      );
    const now = ctx.now();
    const from = Date.parse(`${hourOf(now - length)}:00:00Z`);
    const [fromHour, toHour] = [hourOf(from), hourOf(now + HOUR_MS)];
    const figures = qualityFigures(ctx.matchQuality.sums(row.id, fromHour, toHour));
    const previous = qualityFigures(ctx.matchQuality.sums(row.id, hourOf(from - length), fromHour));
    sendJson(res, 200, {
      window,
      from: new Date(from).toISOString(),
      to: new Date(now).toISOString(),
      ...figures,
      alerts: qualityAlerts(figures, previous),
      hourly: hourly(ctx.matchQuality.hourly(row.id, fromHour, toHour), from, now),
    });
  });
};

type Totals = Record<(typeof TOTALS)[number], number>;

/** Every hour of the window with its totals and overall score (null without transformed events). */
function hourly(
  rows: ReadonlyArray<{ hour: string; metric: Metric; n: number }>,
  from: number,
  now: number,
): Array<Totals & { hour: string; score: number | null }> {
  const hours = new Map<string, Map<Metric, number>>();
  for (let t = from; t <= now; t += HOUR_MS) hours.set(hourOf(t), new Map());
  for (const { hour, metric, n } of rows) {
    const sums = hours.get(hour);
    sums?.set(metric, (sums.get(metric) ?? 0) + n);
  }
  return [...hours].map(([hour, sums]) => {
    const transformed = sums.get('transformed') ?? 0;
    const totals = Object.fromEntries(TOTALS.map((t) => [t, sums.get(t) ?? 0])) as Totals;
    const score = scoreOf(sums.get('matchability') ?? 0, transformed);
    return { hour: `${hour}:00:00.000Z`, ...totals, score };
  });
}
