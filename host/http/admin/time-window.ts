import { HttpError } from '../http-kit.js';
import type { Request } from '../http-kit.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The windows the views offer, each with the bucket its charts use: every bucket shown, empty ones too. */
export const TIME_WINDOWS: Readonly<Record<string, { ms: number; bucketMs: number; bucketLabel: string }>> = {
  '1h': { ms: HOUR_MS, bucketMs: 5 * MINUTE_MS, bucketLabel: '5 minutes' },
  '24h': { ms: 24 * HOUR_MS, bucketMs: HOUR_MS, bucketLabel: 'hour' },
  '7d': { ms: 7 * 24 * HOUR_MS, bucketMs: 6 * HOUR_MS, bucketLabel: '6 hours' },
  '30d': { ms: 30 * 24 * HOUR_MS, bucketMs: 24 * HOUR_MS, bucketLabel: 'day' },
};

/**
 * The `window` query parameter (default 24h), or 400 naming the ones there are. `from` is the bucket boundary
 * `window` before now, so the first bucket is whole and the last one holds now.
 */
export function timeWindow(req: Request, now: number) {
  const name = req.query.get('window') ?? '24h';
  // Own keys only: `__proto__` or `toString` are no window.
  const w = Object.hasOwn(TIME_WINDOWS, name) ? TIME_WINDOWS[name] : undefined;
  if (w === undefined)
    throw new HttpError(
      400,
      'invalid_request',
      `window must be one of ${Object.keys(TIME_WINDOWS).join(', ')}.`,
      [{ field: 'window', message: 'is not a known window' }],
    );
  const from = Math.floor((now - w.ms) / w.bucketMs) * w.bucketMs;
  return { name, ...w, from, count: Math.floor((now - from) / w.bucketMs) + 1 };
}
