import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startHost, type HostHarness } from '../support/host-harness.js';

/**
 * Idle clients cannot take a port, or the host: each port holds at most its own number of connections (more
 * are closed as soon as they are accepted), and a request whose headers are not in within the header timeout
 * is answered 408 and closed, however often its client sends another byte. The old host held every
 * connection until the process ran out of file descriptors, and a half-sent request for 60-72 s.
 */
const CAPS = { admin: 8, ingest: 24 };
const HEADERS_TIMEOUT_MS = 1_000;
const EXTRA = 16;

let h: HostHarness;
beforeEach(async () => {
  h = await startHost({
    limits: {
      admin: { maxConnections: CAPS.admin, headersTimeoutMs: HEADERS_TIMEOUT_MS },
      ingest: { maxConnections: CAPS.ingest, headersTimeoutMs: HEADERS_TIMEOUT_MS },
    },
  });
});
afterEach(() => h.close());

interface SlowClient {
  openedAt: number;
  closedAt?: number;
  answer: string;
  stop(): void;
}

/** A raw client that sends half a header line, then a byte every 200 ms, and never ends its headers. */
function slowClient(url: string): SlowClient {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  const client: SlowClient = { openedAt: performance.now(), answer: '', stop: () => socket.destroy() };
  socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: a\r\nX-a: '));
  const trickle = setInterval(() => socket.writable && socket.write('b'), 200);
  socket.on('data', (chunk: Buffer) => (client.answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearInterval(trickle);
    client.closedAt = performance.now();
  });
  return client;
}

const urlOf = (port: 'admin' | 'ingest') => (port === 'admin' ? h.host.adminUrl : h.host.ingestUrl);

test.each<['admin' | 'ingest', 'admin' | 'ingest']>([
  ['ingest', 'admin'],
  ['admin', 'ingest'],
])(
  'a flood of slow clients on the %s port: the excess is closed at once, the %s port answers, and the rest get 408 within the header timeout',
  async (flooded, other) => {
    const cap = CAPS[flooded];
    const clients = Array.from({ length: cap + EXTRA }, () => slowClient(urlOf(flooded)));
    try {
      // The excess is closed as it is accepted, long before any timeout.
      await h.waitFor(
        () => clients.filter((c) => c.closedAt !== undefined).length >= EXTRA || undefined,
        `${EXTRA} connections past the cap closed`,
        HEADERS_TIMEOUT_MS / 2,
      );
      expect(clients.filter((c) => c.closedAt !== undefined)).toHaveLength(EXTRA);
      expect(clients.filter((c) => c.closedAt !== undefined && c.answer !== '')).toHaveLength(0);

      // While the flood holds its port, the other port has its own room.
      const during = await fetch(`${urlOf(other)}/healthz`);
      expect(during.status).toBe(200);
      expect(clients.filter((c) => c.closedAt === undefined)).toHaveLength(cap);

      // Every half-sent request is answered 408 and closed within the header timeout (checked every 250 ms).
      await h.waitFor(
        () => clients.every((c) => c.closedAt !== undefined) || undefined,
        'every slow connection closed',
        HEADERS_TIMEOUT_MS * 3,
      );
      const held = clients.filter((c) => c.answer !== '');
      expect(held).toHaveLength(cap);
      for (const c of held) {
        expect(c.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
        expect(c.closedAt! - c.openedAt).toBeLessThan(HEADERS_TIMEOUT_MS * 2);
      }

      // And the flooded port answers again.
      expect((await fetch(`${urlOf(flooded)}/healthz`)).status).toBe(200);
    } finally {
      for (const c of clients) c.stop();
    }
  },
  15_000,
);
