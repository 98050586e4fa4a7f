import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, purchase } from '../support/host-harness.js';

/**
 * A stop waits for the deliver calls in flight, up to its grace, and claims nothing more meanwhile: a call that
 * ended within the grace used to start the next batch, which the stop did not wait for, and its rows stayed in
 * flight until the next start (then sent again).
 */
test.each([
  ['in the host process', undefined],
  ['in a worker process', 1],
])(
  'a stop mid-delivery, %s, leaves no row in flight',
  async (_label, workerProcesses) => {
    const h = await startHost({
      workerProcesses,
      worker: { batchSize: 100, concurrency: 2, pollMs: 20 },
      amazon: { requestTimeoutMs: 10_000 },
    });
    const reader = new Database(join(h.dataDir, 'signal-host.db'), { readonly: true });
    try {
      expect((await h.install()).status).toBe(201);
      // Two calls out: the first ends well within the grace, the second a second later; the rest take 200 ms.
      h.sandbox.faults.add({ route: 'events', delayMs: 200, times: 1 });
      h.sandbox.faults.add({ route: 'events', delayMs: 1_200, times: 1 });
      h.sandbox.faults.add({ route: 'events', delayMs: 200, times: 50 });
      for (let from = 0; from < 2_000; from += 500) {
        const batch = Array.from({ length: 500 }, (_, i) => purchase(`STOP-MID-${from + i}`));
        expect((await h.ingest('/v1/batch', { batch })).status).toBe(200);
      }
      const count = (status: string) =>
        (reader.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE status = ?').get(status) as { n: number })
          .n;
      await h.waitFor(() => count('in_flight') >= 200 || undefined, 'two batches in flight');
      await h.host.stop(5_000);
      expect({ inFlight: count('in_flight'), settledOrQueued: count('delivered') + count('queued') }).toEqual(
        {
          inFlight: 0,
          settledOrQueued: 2_000,
        },
      );
    } finally {
      reader.close();
      await h.sandbox.close();
      rmSync(h.dataDir, { recursive: true, force: true });
    }
  },
  30_000,
);

test('a worker process stopped by a signal is killed a second after the grace, and its rows put back', async () => {
  const h = await startHost({ workerProcesses: 1, amazon: { requestTimeoutMs: 10_000 } });
  const reader = new Database(join(h.dataDir, 'signal-host.db'), { readonly: true });
  try {
    expect((await h.install()).status).toBe(201);
    h.sandbox.faults.add({ route: 'events', delayMs: 3_000, times: 10 });
    const batch = Array.from({ length: 500 }, (_, i) => purchase(`STOP-HUNG-${i}`));
    expect((await h.ingest('/v1/batch', { batch })).status).toBe(200);
    const count = (status: string) =>
      (reader.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE status = ?').get(status) as { n: number })
        .n;
    await h.waitFor(() => count('in_flight') > 0 || undefined, 'a batch in flight');
    const pid = h.host.workerPids()['worker-1']!;
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    await h.host.stop(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(() => process.kill(pid, 0)).toThrow(); // gone, not left stopped
    expect({ inFlight: count('in_flight'), queued: count('queued') }).toEqual({ inFlight: 0, queued: 500 });
  } finally {
    reader.close();
    await h.sandbox.close();
    rmSync(h.dataDir, { recursive: true, force: true });
  }
}, 30_000);
