import { connect, type Socket } from 'node:net';
import { MAX_UNSENT_BYTES } from '../../host/pipeline/live-hub.js';
import { startHost, purchase, ADMIN_TOKEN, type HostHarness } from '../support/host-harness.js';

/**
 * A Live Events client that never reads: the host drops it once it holds 1 MB unsent for it, instead of
 * buffering every frame without end (the old host went from 145 to 337 MB for 80 events), while a client that
 * reads keeps its stream.
 */
let h: HostHarness;
beforeAll(async () => {
  h = await startHost();
  expect((await h.install()).status).toBe(201);
});
afterAll(() => h.close());

/** A raw stream request; the socket is paused at once, so the client never takes a byte. */
function silentClient(): Socket {
  const { hostname, port } = new URL(h.host.adminUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on('error', () => undefined);
  socket.write(
    `GET /v1/admin/live-events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`,
  );
  socket.pause();
  return socket;
}

test('a client that never reads is dropped at 1 MB unsent; one that reads stays; nothing piles up after', async () => {
  const silent = silentClient();
  await h.waitFor(() => h.host.liveStreams().open === 1 || undefined, 'the silent stream open');
  const reader = await fetch(`${h.host.adminUrl}/v1/admin/live-events/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const body = reader.body!.getReader();
  let read = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await body.read();
      if (done) return;
      read += value.length;
    }
  })();
  await h.waitFor(() => h.host.liveStreams().open === 2 || undefined, 'both streams open');

  const rssBefore = process.memoryUsage().rss;
  let maxUnsent = 0;
  let batches = 0;
  const send = async () => {
    const batch = Array.from({ length: 500 }, (_, i) => ({
      type: 'track',
      ...purchase(`SLOW-${batches}-${i}`),
    }));
    expect((await h.ingest('/v1/batch', { batch })).status).toBe(200);
    maxUnsent = Math.max(maxUnsent, h.host.liveStreams().unsentBytes);
    batches++;
  };
  // Each batch is 500 events: frames of several hundred kilobytes, more than the kernel's socket buffers hold
  // within a few batches. A deadline, not a wait: at most 60 batches (the old host still held both at 60).
  while (h.host.liveStreams().open === 2 && batches < 60) await send();
  const dropped = batches;
  // Ten batches more after the drop: nothing piles up for anyone.
  for (let i = 0; i < 10; i++) await send();
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  process.stdout.write(
    `live-stream-bound: dropped after ${dropped} batches (then ${batches - dropped} more), max unsent ${(maxUnsent / 1e6).toFixed(2)} MB, ` +
      `client that reads got ${(read / 1e6).toFixed(1)} MB, RSS growth ${(rssGrowth / 1e6).toFixed(0)} MB\n`,
  );
  expect(h.host.liveStreams().open).toBe(1);
  // Never more than the bound and one frame (a frame is far below 1 MB here).
  expect(maxUnsent).toBeLessThan(2 * MAX_UNSENT_BYTES);
  expect(read).toBeGreaterThan(2 * MAX_UNSENT_BYTES);

  silent.destroy();
  await body.cancel();
  await reading.catch(() => undefined);
}, 120_000);
