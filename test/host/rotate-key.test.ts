import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { credentialsOf, TEST_ACCOUNT } from '../../sandbox/accounts.js';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { rotateKey, type RotateKeyDeps } from '../../host/rotate-key.js';
import { openHostStore } from '../../host/store/host-store.js';
import { FILE_OPS } from '../../host/store/synced-files.js';
import { DataDirBusyError } from '../../host/store/data-dir-lock.js';
import { startHost, purchase, SEED_INSTALL } from '../support/host-harness.js';

/**
 * `rotate-key` re-seals every secret under a new key, refuses while a host holds the data directory, and is
 * atomic: whichever step fails, every secret still opens with the key file in place once the host starts.
 */
const TEST_CONFIG = credentialsOf(TEST_ACCOUNT);
const CONNECTION_TOKEN = 'Atzr|rotate-test-connection-token';
/** Every secret stored: two installations and their first revisions, and a connection. */
const SECRETS = [
  SEED_INSTALL.config.access_token,
  TEST_CONFIG.access_token!,
  TEST_CONFIG.client_secret!,
  TEST_CONFIG.refresh_token!,
];
const ALL_SECRETS = [...SECRETS, ...SECRETS, CONNECTION_TOKEN].sort();

let template: string;
const dirs: string[] = [];
/** A data directory holding the secrets above, sealed under its `secret.key`; no host on it. */
function dataDirWithSecrets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signal-rotate-'));
  dirs.push(dir);
  cpSync(template, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  template = mkdtempSync(join(tmpdir(), 'signal-rotate-template-'));
  const h = await startHost({ dataDir: template });
  expect((await h.install(SEED_INSTALL)).status).toBe(201);
  expect((await h.install({ name: 'Test', variant: 'default', config: TEST_CONFIG })).status).toBe(201);
  await h.host.stop();
  await h.sandbox.close();
  const store = openHostStore(template);
  store.connections.add(TEST_ACCOUNT.clientId, CONNECTION_TOKEN, 1, new Date().toISOString());
  store.close();
});
afterAll(() => {
  for (const dir of [template, ...dirs]) rmSync(dir, { recursive: true, force: true });
});

/** Every stored secret, opened the way the host opens them at start (an interrupted rotation finished first). */
function everySecret(dataDir: string, key?: Buffer): string[] {
  const store = openHostStore(dataDir, key);
  try {
    const opened: string[] = [];
    const collect = (config: Record<string, unknown>) => {
      for (const k of ['access_token', 'client_secret', 'refresh_token'])
        if (typeof config[k] === 'string') opened.push(config[k] as string);
    };
    for (const row of store.integrations.all())
      collect(store.integrations.installation(row).config as unknown as Record<string, unknown>);
    for (const { config } of store.db.prepare('SELECT config FROM revisions').all() as Array<{
      config: string;
    }>)
      collect(
        Object.fromEntries(
          Object.entries(JSON.parse(config) as Record<string, string>).map(([k, v]) => [
            k,
            store.box.open(v),
          ]),
        ),
      );
    for (const { id } of store.connections.list()) opened.push(store.connections.refreshToken(id)!);
    return opened.sort();
  } finally {
    store.close();
  }
}

const keyFile = (dir: string) => readFileSync(join(dir, 'secret.key'), 'utf8');
const quiet = () => new Writable({ write: (_c, _e, done) => done() });
const capture = () => {
  const out = { text: '', stream: undefined as unknown as Writable };
  out.stream = new Writable({
    write: (c: Buffer, _e, done) => {
      out.text += c.toString();
      done();
    },
  });
  return out;
};
const failing = (what: string) => () => {
  throw new Error(`injected: ${what}`);
};
const runCli = (dataDir: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/host/main.js'), 'rotate-key'], {
    env: {
      ...process.env,
      SIGNAL_DATA_DIR: dataDir,
      SIGNAL_SECRET_KEY: '',
      SIGNAL_NEW_SECRET_KEY: '',
      ...env,
    },
    encoding: 'utf8',
  });

test('the template holds 9 secrets, all opening with its key', () => {
  expect(everySecret(dataDirWithSecrets())).toEqual(ALL_SECRETS);
});

test('rotate-key seals the 9 secrets under a new key file; they open with it, and not with the old', () => {
  const dir = dataDirWithSecrets();
  const before = keyFile(dir);
  const run = runCli(dir);
  expect([run.status, run.stderr, run.stdout]).toEqual([0, '', 'Sealed 9 secrets under the new key.\n']);
  expect(keyFile(dir)).not.toBe(before);
  expect(existsSync(join(dir, 'secret.key.next'))).toBe(false);
  expect(everySecret(dir)).toEqual(ALL_SECRETS);
  expect(() => everySecret(dir, Buffer.from(before.trim(), 'base64'))).toThrow(
    'SIGNAL_SECRET_KEY does not open the stored secrets',
  );
});

const deps = (over: Partial<RotateKeyDeps['files']> & { beforeCommit?: () => void }): RotateKeyDeps => ({
  files: { ...FILE_OPS, ...over },
  beforeCommit: over.beforeCommit ?? (() => {}),
});

test.each<[string, RotateKeyDeps, 'old' | 'new', RegExp]>([
  [
    'writing the new key file',
    deps({ writeSynced: failing('disk full') }),
    'old',
    /^injected: disk full; stopped before anything was sealed under the new key/,
  ],
  [
    'writing the new key file, half written',
    deps({
      writeSynced: (file, text) => {
        writeFileSync(file, text.slice(0, 20));
        throw new Error('injected: disk full after 20 bytes');
      },
    }),
    'old',
    /^injected: disk full after 20 bytes; stopped before anything/,
  ],
  [
    're-sealing, before the commit',
    deps({ beforeCommit: failing('crash in the transaction') }),
    'old',
    /^injected: crash in the transaction; stopped before anything/,
  ],
  [
    'renaming the new key file over the old, after the commit',
    deps({ renameSynced: failing('read-only key path') }),
    'new',
    /^injected: read-only key path; stopped after the secrets were sealed under the new key, which is in secret.key.next/,
  ],
])('a failure %s leaves every secret readable', (_, failure, keyAfter, message) => {
  const dir = dataDirWithSecrets();
  const before = keyFile(dir);
  expect(() => rotateKey(dir, {}, quiet(), failure)).toThrow(message);
  // The key file in place is still the old one; the next start settles it and opens every secret.
  expect(keyFile(dir)).toBe(before);
  expect(everySecret(dir)).toEqual(ALL_SECRETS);
  expect(existsSync(join(dir, 'secret.key.next'))).toBe(false);
  expect(keyFile(dir) === before).toBe(keyAfter === 'old');
  // And a rotation run after it completes.
  expect(runCli(dir).stdout).toBe('Sealed 9 secrets under the new key.\n');
  expect(everySecret(dir)).toEqual(ALL_SECRETS);
});

test('a failure after the commit is finished by the next rotate-key too, not only by a start', () => {
  const dir = dataDirWithSecrets();
  expect(() => rotateKey(dir, {}, quiet(), deps({ renameSynced: failing('rename') }))).toThrow(
    /secret.key.next/,
  );
  const next = readFileSync(join(dir, 'secret.key.next'), 'utf8');
  const out = capture();
  rotateKey(dir, {}, out.stream);
  expect(out.text).toBe('Sealed 9 secrets under the new key.\n');
  expect(keyFile(dir)).not.toBe(next);
  expect(everySecret(dir)).toEqual(ALL_SECRETS);
});

test('with SIGNAL_SECRET_KEY, the new key is the operator’s to give; the old then opens nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signal-rotate-env-'));
  dirs.push(dir);
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  const store = openHostStore(dir, oldKey);
  store.connections.add(TEST_ACCOUNT.clientId, CONNECTION_TOKEN, 1, new Date().toISOString());
  store.close();
  const refused = runCli(dir, { SIGNAL_SECRET_KEY: oldKey.toString('base64') });
  expect([refused.status, refused.stdout]).toEqual([1, '']);
  expect(refused.stderr).toBe(
    'rotate-key: SIGNAL_SECRET_KEY is set: give the new key as SIGNAL_NEW_SECRET_KEY (32 bytes, base64: openssl rand -base64 32)\n',
  );
  const run = runCli(dir, {
    SIGNAL_SECRET_KEY: oldKey.toString('base64'),
    SIGNAL_NEW_SECRET_KEY: newKey.toString('base64'),
  });
  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toBe(
    'Sealed 1 secrets under the new key.\nSet SIGNAL_SECRET_KEY to the value of SIGNAL_NEW_SECRET_KEY before the next start.\n',
  );
  expect(everySecret(dir, newKey)).toEqual([CONNECTION_TOKEN]);
  expect(() => everySecret(dir, oldKey)).toThrow(
    'SIGNAL_SECRET_KEY does not open the stored secrets: use the key they were sealed with (after rotate-key, the new one)',
  );
  expect(existsSync(join(dir, 'secret.key'))).toBe(false);
});

test('refused while a host runs: one line naming what to do, exit 1; the host keeps answering', async () => {
  const dir = dataDirWithSecrets();
  const h = await startHost({ dataDir: dir });
  try {
    const before = keyFile(dir);
    const run = runCli(dir);
    expect([run.status, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      `rotate-key: a host (pid ${process.pid}) is running on ${dir}: stop it (Ctrl-C, or kill its pid), then run rotate-key again\n`,
    );
    // In the same process too.
    expect(() => rotateKey(dir, {}, quiet())).toThrow(DataDirBusyError);
    expect(keyFile(dir)).toBe(before);
    expect((await h.admin('/v1/admin/integrations')).status).toBe(200);
    const id = (await h.ingest('/v1/t', purchase('ROTATE-REFUSED'))).body.ids[0];
    await h.waitForOutcome(id, 'delivered');
  } finally {
    await h.host.stop();
    await h.sandbox.close();
  }
  // Stopped, the directory is free again.
  expect(runCli(dir).status).toBe(0);
});

test('a second host on the same data directory is refused; a dead holder never blocks', async () => {
  const dir = dataDirWithSecrets();
  // A process that takes the lock as a host does, then is killed with SIGKILL: nothing releases it by hand.
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { DataDirLock } = await import(${JSON.stringify(join(PACKAGE_ROOT, 'dist/host/store/data-dir-lock.js'))});
       DataDirLock.take(${JSON.stringify(dir)}, 'a host'); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  try {
    await expect(startHost({ dataDir: dir })).rejects.toThrow(
      `a host (pid ${holder.pid}) holds the data directory ${dir}: stop it, or wait for it to end, then start again`,
    );
    expect(runCli(dir).stderr).toBe(
      `rotate-key: a host (pid ${holder.pid}) is running on ${dir}: stop it (Ctrl-C, or kill its pid), then run rotate-key again\n`,
    );
  } finally {
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
  }
  const run = runCli(dir);
  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(everySecret(dir)).toEqual(ALL_SECRETS);
});
