import { startHost, ADMIN_TOKEN, SEED_INSTALL, type HostHarness } from '../support/host-harness.js';
import { jsonOf, sendRaw } from '../support/raw-http.js';

/**
 * Keys a user sends (query values, JSON object keys) are data: `__proto__`, `constructor`, `prototype` or
 * `toString` never reach an object's prototype, and are refused as unknown where they name nothing.
 */
let h: HostHarness;
let id: string;
beforeAll(async () => {
  h = await startHost();
  id = (await h.install()).body.id;
});
afterAll(() => h.close());

/** A request written raw, the body as typed (fetch and JSON.stringify would drop or rename nothing here, but
 * a raw body is what an attacker sends). */
async function raw(method: string, path: string, body?: string) {
  const answer = await sendRaw(
    h.host.adminUrl,
    `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body ?? '')}\r\nConnection: close\r\n\r\n${body ?? ''}`,
  );
  return { status: answer.status, body: jsonOf(answer) };
}

test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
  'match-quality?window=%s: 400 naming the windows',
  async (window) => {
    const r = await raw('GET', `/v1/admin/integrations/${id}/match-quality?window=${window}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      code: 'invalid_request',
      message: 'window must be one of 1h, 24h, 7d, 30d.',
      fields: [{ field: 'window', message: 'is not a known window' }],
    });
  },
);

test.each(['__proto__', 'constructor', 'prototype'])(
  'PATCH {"config":{"%s":{"region":"EU"}}}: 400 unknown field, and the installation is unchanged',
  async (key) => {
    const before = (await h.admin(`/v1/admin/integrations/${id}`)).body;
    const r = await raw('PATCH', `/v1/admin/integrations/${id}`, `{"config":{"${key}":{"region":"EU"}}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toContainEqual(
      expect.objectContaining({ field: expect.stringContaining(key) }),
    );
    const after = (await h.admin(`/v1/admin/integrations/${id}`)).body;
    expect(after.installation.region).toBe('NA');
    expect(after.revision.revision_number).toBe(before.revision.revision_number);
  },
);

test.each(['__proto__', 'constructor', 'prototype'])(
  'install with "%s" in config: 400 unknown field, nothing installed',
  async (key) => {
    const config = JSON.stringify(SEED_INSTALL.config).replace('{', `{"${key}":{"region":"EU"},`);
    const r = await raw(
      'POST',
      '/v1/admin/integration-catalog/amazon_dsp/install',
      `{"name":"x","variant":"default","config":${config}}`,
    );
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toContainEqual(
      expect.objectContaining({ field: expect.stringContaining(key) }),
    );
    expect((await h.admin('/v1/admin/integrations')).body.data).toHaveLength(1);
  },
);

test.each(['__proto__', 'constructor', 'toString'])(
  'PATCH {"%s": …} at the top: 400 unknown field',
  async (key) => {
    const r = await raw('PATCH', `/v1/admin/integrations/${id}`, `{"${key}":{"enabled":false}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toEqual([{ field: key, message: 'is not a known field' }]);
    expect((await h.admin(`/v1/admin/integrations/${id}`)).body.enabled).toBe(true);
  },
);
