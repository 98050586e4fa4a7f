import { soak } from '../bench/soak-run.js';

test('a quick soak: 2,000 events through the host under 429s, 5xx, stalls, expiring tokens and per-event errors balance with 0 lost', async () => {
  const result = await soak({ events: 2_000, timeoutMs: 60_000, seed: 3 });
  expect(result.accepted).toBe(2_000);
  expect(result.delivered + result.rejected + result.dead_lettered + result.filtered + result.invalid).toBe(
    result.accepted,
  );
  expect(result.lost).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.missing_at_amazon).toBe(0);
  expect(result.delivered).toBeGreaterThan(1_900);
  expect(result.rejected).toBeGreaterThan(0); // the sandbox rejects about 1% of events on purpose
  expect(result.statuses['429']).toBeGreaterThan(0);
  // Tokens last 5 s: renewed at least once, and about once per lifetime (at nine tenths of it), no more.
  expect(result.token_requests).toBeGreaterThanOrEqual(1);
  expect(result.token_requests).toBeLessThanOrEqual(Math.ceil(result.seconds / 4.5) + 1);
}, 90_000);

test('tokens that last a second, renewed with refresh credentials: every event delivered, 0 lost', async () => {
  const result = await soak({ events: 2_000, timeoutMs: 60_000, seed: 4, tokenTtlSeconds: 1, chaos: false });
  expect(result.delivered).toBe(result.accepted);
  expect(result.lost).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.missing_at_amazon).toBe(0);
  // The seed's token is dead a second after the start: renewed at least once, and once per lifetime at most
  // (at nine tenths of it), not on every request.
  expect(result.token_requests).toBeGreaterThanOrEqual(1);
  expect(result.token_requests).toBeLessThanOrEqual(Math.ceil(result.seconds / 0.9) + 1);
}, 90_000);
