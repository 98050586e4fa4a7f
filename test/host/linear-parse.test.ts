import { connect } from 'node:net';
import { INGEST_BODY_LIMIT } from '../../host/http/ingest-api.js';
import { startHost, PIPELINE_KEY, type HostHarness } from '../support/host-harness.js';

/**
 * The reader the host used before (kept here as the measure): a regular expression over the whole body that
 * backtracks quadratically on an unclosed string of `\"` pairs once the body holds a 16-digit number.
 */
const OLD_FIRST_LOOK = /(?:^|[:,[])\s*-?\d{16}/;
const OLD_STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;
function oldReader(text: string): unknown {
  const quoted = OLD_FIRST_LOOK.test(text)
    ? text.replace(OLD_STRING_OR_LONG_INTEGER, (m) => (m.charCodeAt(0) === 34 ? m : `"${m}"`))
    : text;
  return JSON.parse(quoted);
}

/** A body of exactly `size` bytes: a 16-digit number, then a string of `\"` pairs that never closes. */
function pathologicalBody(size: number): string {
  const head = '{"batch":[{"event":"purchase","n":1234567890123456,"s":"';
  return head + '\\"'.repeat(Math.floor((size - head.length) / 2));
}

/** One raw HTTP/1.1 POST on a fresh socket: the status line of the answer and the time it took. */
function rawPost(url: string, path: string, body: string): Promise<{ status: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve({ status: answer.slice(0, answer.indexOf('\r\n')), ms: performance.now() - started });
      }
    });
    socket.on('error', reject);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${PIPELINE_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    socket.end(body);
  });
}

let h: HostHarness;
beforeAll(async () => {
  h = await startHost();
});
afterAll(() => h.close());

test('a body at the size limit that stalled the old reader is answered at least ten times sooner', async () => {
  // The old reader on a body 1/16 of the limit, timed here; it grows with the square of the size (each `"` of
  // the unclosed string restarts a match that runs to the end), so at the limit it takes 16² = 256 times as long.
  const small = pathologicalBody(INGEST_BODY_LIMIT / 16);
  const t0 = performance.now();
  expect(() => oldReader(small)).toThrow(SyntaxError);
  const oldAtLimitMs = (performance.now() - t0) * 256;

  const body = pathologicalBody(INGEST_BODY_LIMIT);
  expect(Buffer.byteLength(body)).toBeGreaterThan(INGEST_BODY_LIMIT - 2);
  expect(Buffer.byteLength(body)).toBeLessThanOrEqual(INGEST_BODY_LIMIT);
  const answer = await rawPost(h.host.ingestUrl, '/v1/t', body);

  expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
  expect(answer.ms * 10).toBeLessThan(oldAtLimitMs);
  // And the host is free again at once.
  expect((await h.admin('/v1/admin/stats')).status).toBe(200);
}, 60_000);
