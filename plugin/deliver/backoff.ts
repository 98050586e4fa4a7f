/** Exponential backoff with full jitter: a random wait in [0, min(cap, base × 2^(attempt−1))]. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `now`, capped; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now: number,
  capMs: number,
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(capMs, Math.max(0, Math.ceil(ms)));
}
