import fc from 'fast-check';
import { HttpError } from '../../host/http/http-kit.js';
import { captureLogger } from '../support/capture-logger.js';
import { startHost, ADMIN_TOKEN, PIPELINE_KEY, type HostHarness } from '../support/host-harness.js';
import { runs } from '../support/property-runs.js';
import { jsonOf, sendRaw } from '../support/raw-http.js';

/**
 * Hostile bytes written raw to both ports of a real host (fetch would clean them): whatever the request line,
 * target, headers or body, the host answers with a status or closes that one connection, and keeps answering
 * good requests after every case.
 */
let h: HostHarness;
const capture = captureLogger();
const PLANTED = 'jane.canary@example.com';

beforeAll(async () => {
  h = await startHost({
    logger: capture.logger,
    extraAdmin: (router) =>
      router
        .on('GET', '/test/unexpected', () => {
          // An unexpected failure whose message quotes the request, as JSON.parse's or a driver's would.
          throw new TypeError(`cannot read ${PLANTED}`);
        })
        .on('GET', '/test/expected', () => {
          throw new HttpError(418, 'teapot', 'An HttpError keeps its status.');
        }),
  });
});
afterAll(() => h.close());

const ports = () => ({ admin: h.host.adminUrl, ingest: h.host.ingestUrl });
const GOOD = {
  admin: `GET /v1/admin/integration-catalog HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`,
  ingest: 'OPTIONS /v1/t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
};
const GOOD_STATUS = { admin: 200, ingest: 204 };

/** Both ports still answer a good request with the right status. */
async function stillAnswers(): Promise<void> {
  for (const port of ['admin', 'ingest'] as const)
    expect((await sendRaw(ports()[port], GOOD[port])).status).toBe(GOOD_STATUS[port]);
}

const line = (method: string, target: string) =>
  `${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

describe('targets that took the old host down', () => {
  test.each([
    // Read as a path against the host itself (origin-form), so no route.
    ['//x:99999/', 404, 'not_found'],
    ['//[', 404, 'not_found'],
    ['//%zz/', 404, 'not_found'],
    ['//a@/', 404, 'not_found'],
    // Absolute-form that no URL parser accepts.
    ['http://a:b:c/', 400, 'invalid_target'],
    ['http://[/v1/t', 400, 'invalid_target'],
    ['*', 400, 'invalid_target'],
    ['ftp://host/v1/t', 400, 'invalid_target'],
  ])('%s answers %i %s on both ports, and the host lives', async (target, status, code) => {
    for (const url of Object.values(ports())) {
      for (const method of ['GET', 'POST', 'OPTIONS']) {
        const answer = await sendRaw(url, line(method, target));
        expect([answer.status, jsonOf(answer)?.error?.code]).toEqual([status, code]);
      }
    }
    await stillAnswers();
  });

  test('an absolute-form target reaches its route', async () => {
    const answer = await sendRaw(h.host.ingestUrl, line('OPTIONS', 'http://anything.example/v1/t'));
    expect(answer.status).toBe(204);
  });
});

describe('requests Node itself cannot parse: a JSON 400 on the socket, then closed', () => {
  test.each([
    ['a request line of garbage', 'GARBAGE\r\n\r\n', 400, 'bad_request'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', 400, 'bad_request'],
    [
      'a control byte in a header value',
      'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n',
      400,
      'bad_request',
    ],
    [
      'two content lengths',
      'POST /v1/t HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      400,
      'bad_request',
    ],
    [
      'headers over 16 KB',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
  ])('%s', async (_, bytes, status, code) => {
    for (const url of Object.values(ports())) {
      const answer = await sendRaw(url, bytes);
      expect([answer.status, jsonOf(answer)?.error?.code]).toEqual([status, code]);
    }
    await stillAnswers();
  });
});

test('a good request, then garbage on the same connection: the good one is answered first', async () => {
  const event = JSON.stringify({ event: 'Order Completed', properties: { order_id: 'PIPE-1' } });
  const answer = await sendRaw(
    h.host.ingestUrl,
    `POST /v1/t HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PIPELINE_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${event.length}\r\n\r\n${event}GARBAGE\r\n\r\n`,
  );
  expect(answer.text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200']);
  await stillAnswers();
});

test('a client that leaves mid-body is no failure of the host: nothing logged, the host answers on', async () => {
  const lines = capture.lines.length;
  const statuses = [];
  for (const url of [h.host.adminUrl, h.host.ingestUrl]) {
    // 1,000 bytes announced, 9 sent; the client gives up after half a second.
    const answer = await sendRaw(
      url,
      `POST /v1/t HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PIPELINE_KEY}\r\nContent-Length: 1000\r\n\r\n{"event":`,
      500,
    );
    statuses.push(answer.status);
  }
  // The admin port has no such route; the ingest port waits for the body until the client leaves.
  expect(statuses).toEqual([404, null]);
  expect(capture.lines.slice(lines).filter((l) => l.includes('request_error'))).toEqual([]);
  await stillAnswers();
});

test('an unexpected failure answers 500 and is logged without what the request carried', async () => {
  const lines = capture.lines.length;
  const answer = await sendRaw(h.host.adminUrl, line('GET', '/test/unexpected'));
  expect([answer.status, jsonOf(answer)?.error?.code]).toEqual([500, 'internal_error']);
  const logged = capture.lines.slice(lines).map((l) => JSON.parse(l));
  expect(logged).toEqual([
    expect.objectContaining({ message: 'request failed', event: 'request_error', method: 'GET' }),
  ]);
  expect(logged[0].error).toMatch(/^TypeError at test\/host\/hostile-requests\.test\.ts:\d+:\d+$/);
  expect(capture.lines.join('\n')).not.toContain(PLANTED);
  expect((await sendRaw(h.host.adminUrl, line('GET', '/test/expected'))).status).toBe(418);
  await stillAnswers();
});

// --- the socket fuzz ---------------------------------------------------------------------------------

const ROUTES = [
  '/v1/t',
  '/v1/p',
  '/v1/batch',
  '/v1/admin/integrations',
  '/v1/admin/integrations/x/match-quality',
  '/v1/admin/integration-catalog/amazon_dsp/install',
  '/v1/admin/live-events',
  '/v1/admin/oauth/amazon/callback',
  '/v1/admin/session',
  '/',
];
const ascii = (max: number) => fc.string({ maxLength: max });
/** Characters a request target may carry without breaking the request line (no space, no control byte). */
const urlish = (max: number) =>
  fc
    .array(fc.constantFrom(...'aZ09/%?&=.-_~:@[]!$()*+,;#\'"<>{}|^`'.split('')), { maxLength: max })
    .map((chars) => chars.join(''));
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const percentGarbage = fc
  .array(fc.tuple(fc.constantFrom('%', '%%', '%e0', '%zz', '%C0%AF', '%ff%fe'), ascii(3)), { maxLength: 8 })
  .map((parts) => parts.flat().join(''));

const target: fc.Arbitrary<Buffer | string> = fc.oneof(
  fc.constantFrom(...ROUTES),
  fc.constantFrom('//x:99999/', '//[', '//%zz/', 'http://a:b:c/', '//a@/', '*', ''),
  fc.tuple(fc.constantFrom(...ROUTES), urlish(20)).map(([r, tail]) => r + tail),
  fc.tuple(fc.constantFrom(...ROUTES), percentGarbage).map(([r, g]) => `${r}/${g}?window=${g}&cursor=${g}`),
  fc
    .tuple(fc.constantFrom('http://', 'https://', '//', 'HTTP://'), ascii(24), fc.constantFrom(...ROUTES))
    .map(([scheme, authority, path]) => scheme + authority + path),
  fc.tuple(urlish(20), fc.integer({ min: -1, max: 10_000_000 })).map(([host, port]) => `${host}:${port}`),
  fc.integer({ min: 8_000, max: 70_000 }).map((n) => `/v1/admin/integrations/${'a'.repeat(n)}`),
  fc.tuple(fc.constantFrom(...ROUTES), bytes(40)).map(([r, b]) => Buffer.concat([Buffer.from(r), b])),
  fc.constantFrom(
    '/v1/admin/integrations/x/match-quality?window=constructor',
    '/v1/admin/integrations/x/match-quality?window=__proto__',
    '/v1/admin/live-events?limit=1e999&cursor=__proto__',
    '/v1/admin/oauth/amazon/callback?state=__proto__&code=x',
  ),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
const auth = fc.constantFrom(
  `Bearer ${ADMIN_TOKEN}`,
  `Bearer ${PIPELINE_KEY}`,
  'Bearer ',
  'Basic x',
  `Bearer ${'A'.repeat(5_000)}`,
  'bearer\t\tx',
);
const header = fc.oneof(
  auth.map((v) => `Authorization: ${v}`),
  fc
    .constantFrom('application/json', 'text/plain', '', 'application/json; charset=utf-16')
    .map((v) => `Content-Type: ${v}`),
  fc.constantFrom('Expect: 100-continue', 'Connection: keep-alive', 'Accept-Encoding: *'),
  fc.constantFrom('Cookie: signal_admin=x; signal_admin=y', 'Cookie: signal_oauth=__proto__', 'Sec-GPC: 1'),
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), urlish(40)).map(([n, v]) => `${n}: ${v}`),
);
const body = fc.oneof(
  fc.constant(''),
  ascii(200),
  bytes(300),
  fc.constantFrom(
    '{"event":"purchase","properties":{"value":1234567890123456789',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}',
    '{"batch":[{"event":"x","__proto__":null}]}',
    '{"config":{"__proto__":{"region":"EU"}}}',
    '['.repeat(5_000),
  ),
  fc.json(),
);

/** One flaw at most per case, so about half the cases get past Node's parser to the host's own boundary. */
const flaw = fc.oneof(
  { arbitrary: fc.constant({}), weight: 8 },
  fc.record({ method: fc.oneof(fc.constantFrom('CONNECT', 'TRACE', 'get', ''), ascii(12)) }),
  fc.record({ version: fc.oneof(fc.constantFrom('HTTP/2.0', 'HTTP/9', 'HTTP/1.1 x', ''), ascii(8)) }),
  fc.record({ header: fc.tuple(ascii(12), ascii(40)).map(([n, v]) => `${n}: ${v}`) }),
  fc.record({
    length: fc.oneof(
      fc.nat({ max: 2_000_000 }).map((n) => `Content-Length: ${n}`),
      ascii(6).map((v) => `Content-Length: ${v}`),
      fc.constantFrom('Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', ''),
    ),
  }),
);

test(
  'socket fuzz: every case answered or closed, and both ports answer after each',
  async () => {
    const answered = new Map<number | null, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('admin', 'ingest'),
        method,
        target,
        fc.array(header, { maxLength: 4 }),
        body,
        flaw,
        async (
          port,
          m,
          t,
          headers,
          b,
          f: { method?: string; version?: string; header?: string; length?: string },
        ) => {
          const payload = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
          const request = Buffer.concat([
            Buffer.from(`${f.method ?? m} `, 'latin1'),
            typeof t === 'string' ? Buffer.from(t, 'latin1') : t,
            Buffer.from(
              ` ${f.version ?? 'HTTP/1.1'}\r\nHost: x\r\n${f.length ?? `Content-Length: ${payload.length}`}\r\n` +
                [...headers, ...(f.header ? [f.header] : [])].map((x) => `${x}\r\n`).join('') +
                '\r\n',
              'latin1',
            ),
            payload,
          ]);
          const answer = await sendRaw(ports()[port], request, 3_000);
          answered.set(answer.status, (answered.get(answer.status) ?? 0) + 1);
          if (answer.status !== null) expect(answer.status).not.toBe(500);
          await stillAnswers();
        },
      ),
      { numRuns: runs(150), seed: 28 },
    );
    // The cases reached the routes and their handlers too, not only the parser's 400.
    expect([...answered.keys()]).toEqual(expect.arrayContaining([400, 401, 404, 405, 431]));
  },
  Math.max(120_000, runs(150) * 100),
);
