import { startHost, ADMIN_TOKEN, PIPELINE_KEY, type HostHarness } from '../support/host-harness.js';

/** The host's HTTP edges: malformed input, browser security, HEAD, replay bodies, ids beyond 2^53, durability. */
let h: HostHarness;
beforeEach(async () => {
  h = await startHost();
});
afterEach(() => h.close());

const raw = (url: string, init: RequestInit = {}) => fetch(url, init);
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

test('a malformed URL encoding in the path is a 400 after authentication, never a 500', async () => {
  const path = `${h.host.adminUrl}/v1/admin/integrations/%E0%A4%A`;
  expect((await raw(path)).status).toBe(401);
  const r = await raw(path, { headers: admin });
  expect(r.status).toBe(400);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
});

test.each([
  ['the page', '/', {}],
  ['the API', '/v1/admin/stats', admin],
  ['an error', '/v1/admin/stats', {}],
])('%s carries the security headers', async (_label, path, headers) => {
  const r = await raw(`${h.host.adminUrl}${path}`, { headers });
  expect(r.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  expect(r.headers.get('x-frame-options')).toBe('DENY');
});

test('HEAD answers like GET, without a body', async () => {
  const get = await raw(`${h.host.adminUrl}/`);
  const head = await raw(`${h.host.adminUrl}/`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
  expect(await head.text()).toBe('');
  expect((await raw(`${h.host.adminUrl}/v1/admin/stats`, { method: 'HEAD', headers: admin })).status).toBe(
    200,
  );
});

test.each([
  ['a list', 400, [1]],
  ['an unknown field', 400, { all: true }],
  ['ids that are not numbers', 400, { ids: ['1'] }],
  ['{"ids": [...]}', 200, { ids: [12345] }],
  ['an empty object', 200, {}],
])('a replay body that is %s → %i', async (_label, status, body) => {
  const { body: created } = await h.install();
  const r = await h.admin(`/v1/admin/integrations/${created.id}/dead-letters/replay`, {
    method: 'POST',
    body,
  });
  expect(r.status).toBe(status);
});

test('order ids beyond 2^53 sent as JSON numbers stay two orders at Amazon', async () => {
  await h.install();
  const purchase = (id: string) =>
    `{"event":"purchase","properties":{"transaction_id":${id},"value":5,"currency":"USD"},"traits":{"email":"big@example.com"},"context":{"locale":"en-US"}}`;
  const r = await raw(`${h.host.ingestUrl}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PIPELINE_KEY}`, 'content-type': 'application/json' },
    body: `{"batch":[${purchase('9007199254740993')},${purchase('9007199254740992')}]}`,
  });
  expect(r.status).toBe(200);
  await h.waitFor(() => h.sandbox.accepted.size === 2 || undefined, 'both orders at Amazon');
  expect([...h.sandbox.accepted.keys()].sort()).toEqual([
    '5830921746193:9007199254740992',
    '5830921746193:9007199254740993',
  ]);
});

test('an accepted event is on disk before the 2xx, power loss included: synchronous = FULL', () => {
  const db = (h.host as unknown as { db: { pragma(p: string, o: { simple: true }): unknown } }).db;
  expect(db.pragma('synchronous', { simple: true })).toBe(2);
});
