import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsOf, TEST_ACCOUNT } from '../../sandbox/accounts.js';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { startHost, purchase, type HostHarness } from '../support/host-harness.js';

/** Nothing another user of the machine can read, and no secret in the database files, whoever reads them. */
let h: HostHarness;
let dataDir: string;
beforeEach(async () => {
  h = await startHost();
  dataDir = (h.host as unknown as { options: { dataDir: string } }).options.dataDir;
});
afterEach(() => h.close());

const config = credentialsOf(TEST_ACCOUNT);
const SECRETS = [config.access_token!, config.client_secret!, config.refresh_token!];
const databaseBytes = () =>
  ['signal-host.db', 'signal-host.db-wal', 'signal-host.db-shm']
    .filter((f) => existsSync(join(dataDir, f)))
    .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
    .join('');
const install = () => h.install({ variant: 'default', config });

test('the data directory is 0700; the database, its WAL and SHM and the key file 0600', async () => {
  await install();
  const mode = (f: string) => (statSync(join(dataDir, f)).mode & 0o777).toString(8);
  expect(mode('.')).toBe('700');
  for (const f of ['signal-host.db', 'signal-host.db-wal', 'signal-host.db-shm', 'secret.key'])
    expect(mode(f)).toBe('600');
});

test('no secret can be found in the database files: they are sealed with AES-256-GCM, and still deliver', async () => {
  const { body } = await install();
  expect(body.revision.config.client_secret).toBe('***');
  const bytes = databaseBytes();
  for (const secret of SECRETS) expect(bytes).not.toContain(secret);
  const id = (await h.ingest('/v1/t', purchase('SEALED-1'))).body.ids[0];
  await h.waitForOutcome(id, 'delivered');
});

test('a deleted integration loses its secrets at once, from its installation and every revision', async () => {
  const { body } = await install();
  await h.admin(`/v1/admin/integrations/${body.id}`, {
    method: 'PATCH',
    body: { config: { batch_size: 10 } },
  });
  expect((await h.admin(`/v1/admin/integrations/${body.id}`, { method: 'DELETE' })).status).toBe(204);
  const db = (
    h.host as unknown as {
      db: { prepare(s: string): { all(...a: unknown[]): Array<Record<string, string>> } };
    }
  ).db;
  const stored = [
    ...db.prepare('SELECT installation AS text FROM integrations WHERE id = ?').all(body.id),
    ...db.prepare('SELECT config AS text FROM revisions WHERE integration_id = ?').all(body.id),
  ].map((r) => r.text!);
  expect(stored).toHaveLength(3);
  for (const text of stored) {
    expect(text).not.toContain('enc:v1:');
    expect(JSON.parse(text).config?.client_secret ?? JSON.parse(text).client_secret).toBeUndefined();
  }
});

test('rotate-key seals every secret under a new key; the host still delivers with them', async () => {
  // A data directory of the test's own, which outlives the host started on it.
  await h.close();
  dataDir = mkdtempSync(join(tmpdir(), 'signal-rotate-'));
  h = await startHost({ dataDir });
  await install();
  await h.close();
  const before = readFileSync(join(dataDir, 'secret.key'), 'utf8');
  const run = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/host/main.js'), 'rotate-key'], {
    env: { ...process.env, SIGNAL_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^Sealed [1-9]\d* secrets under the new key\./);
  expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).not.toBe(before);
  expect(databaseBytes()).not.toContain(config.refresh_token);
  h = await startHost({ dataDir });
  const id = (await h.ingest('/v1/t', purchase('ROTATED-1'))).body.ids[0];
  await h.waitForOutcome(id, 'delivered');
  rmSync(dataDir, { recursive: true, force: true });
});
