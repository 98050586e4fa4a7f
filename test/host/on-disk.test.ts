import Database from 'better-sqlite3';
import { createDecipheriv } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsOf, TEST_ACCOUNT } from '../../sandbox/accounts.js';
import { openHostStore } from '../../host/store/host-store.js';
import { startHost, SEED_INSTALL, type HostHarness } from '../support/host-harness.js';

/**
 * Deleted means unreadable: with a retention of 0, once an event is delivered and its raw event purged, and
 * once an integration or a connection is deleted, the raw bytes of the database, its WAL and its SHM (read
 * while the host runs and after it stops) hold none of the planted values in any encoding tried, and no
 * AES-GCM blob in them opens, with the data directory's key, to a deleted secret.
 */

/** Personal data planted in the event, each distinctive enough that finding it by chance is impossible. */
const PLANTED = {
  email: 'Zephyrine.Quillfeather@Example.org',
  phone: '+1 (415) 555-0199',
  phoneDigits: '14155550199',
  firstName: 'Zephyrine',
  lastName: 'Quillfeather',
  street: '77 Marmalade Lighthouse Road',
  city: 'Wyvernbury',
  ip: '198.51.100.77',
  adId: 'f3a9c2e4-7b1d-4e8f-9a6c-5d2b8e1f0a77',
  rampId: 'XY1005PlantedRampIdQuokka',
  userAgent: 'Mozilla/5.0 (X11; PlantedOS) QuokkaBrowser/9.9',
  aref: 'PlantedArefToken8421',
};
const DELETED = credentialsOf(TEST_ACCOUNT);
const DELETED_SECRETS = [DELETED.access_token!, DELETED.client_secret!, DELETED.refresh_token!];
const DELETED_SECRETS_BY_NAME = Object.fromEntries(DELETED_SECRETS.map((s, i) => [`secret${i}`, s]));
/** What identified or configured the deleted integration: its name, a custom event's key and its Amazon name. */
const DELETED_SETTINGS = {
  name: 'marisol.deleted@corp.example',
  customEvent: 'quokka_trial_planted',
  vendorName: 'PlantedVendorEventQuokka',
};
const DELETED_INSTALL = {
  name: DELETED_SETTINGS.name,
  variant: 'default',
  config: {
    ...DELETED,
    custom_events: {
      [DELETED_SETTINGS.customEvent]: {
        vendor_event_name: DELETED_SETTINGS.vendorName,
        conversion_type: 'SIGN_UP',
      },
    },
  },
};
const KEPT_SECRET = SEED_INSTALL.config.access_token;
const HASHED_KEYS = ['ADDRESS', 'CITY', 'EMAIL', 'FIRST_NAME', 'LAST_NAME', 'PHONE', 'POSTAL'];
const CONNECTION_TOKEN = 'Atzr|PlantedConnectionRefreshToken-Quokka-7781';

function plantedEvent(transactionId: string): Record<string, unknown> {
  return {
    event: 'purchase',
    properties: {
      transaction_id: transactionId,
      value: 12.5,
      currency: 'USD',
      items: [{ item_id: 'SKU-1', quantity: 1 }],
    },
    traits: {
      email: PLANTED.email,
      phone: PLANTED.phone,
      first_name: PLANTED.firstName,
      last_name: PLANTED.lastName,
      address: { street: PLANTED.street, city: PLANTED.city, postal_code: '94110', country: 'US' },
    },
    context: {
      locale: 'en-US',
      ip: PLANTED.ip,
      userAgent: PLANTED.userAgent,
      device: { advertisingId: PLANTED.adId },
      vendor_ids: { ramp_id: PLANTED.rampId },
      page: { url: `https://shop.example/checkout?aref=${PLANTED.aref}` },
      consent: { canonical: { marketing: true } },
    },
  };
}

/** Every form of a value the files could hold it in: as is, lower case, JSON, URL, hex, base64, UTF-16. */
function forms(value: string): string[] {
  const utf8 = Buffer.from(value, 'utf8');
  const text = [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    utf8.toString('hex'),
    utf8.toString('base64').replace(/=+$/, ''),
    utf8.toString('base64url'),
  ];
  const binary = [Buffer.from(value, 'utf16le'), Buffer.from(value, 'utf16le').swap16()];
  return [...text, ...binary.map((b) => b.toString('latin1'))].map((f) => f.toLowerCase());
}

const FILES = ['signal-host.db', 'signal-host.db-wal', 'signal-host.db-shm'];

/** The raw bytes of the database files that exist, as one lower-case latin1 text, and which files those were. */
function readFiles(dataDir: string): { text: string; files: string[] } {
  const files = FILES.filter((f) => existsSync(join(dataDir, f)));
  const text = files.map((f) => readFileSync(join(dataDir, f)).toString('latin1')).join('\n');
  return { text, files };
}

/**
 * Every `enc:v1:` blob in the bytes, opened with the key: the texts that open, and how many would not. A blob
 * runs into whatever the file holds next, so each length of it is tried.
 */
function openBlobs(text: string, key: Buffer): { opened: string[]; unopened: number } {
  const opened: string[] = [];
  let unopened = 0;
  for (const [, body] of text.matchAll(/enc:v1:([a-z0-9_-]{40,})/gi)) {
    let plain: string | undefined;
    for (let end = body!.length; end >= 40 && plain === undefined; end--)
      plain = open(body!.slice(0, end), key);
    if (plain === undefined) unopened++;
    else opened.push(plain);
  }
  return { opened, unopened };
}

function open(body: string, key: Buffer): string | undefined {
  const bytes = Buffer.from(body, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** What the scan finds: planted values (by name) in any form, and the secrets the blobs open to. */
function scan(dataDir: string, key: Buffer, raw: Record<string, string>) {
  const { text, files } = readFiles(dataDir);
  const lower = text.toLowerCase();
  const found = Object.entries(raw)
    .filter(([, value]) => forms(value).some((form) => lower.includes(form)))
    .map(([name]) => name);
  // The blobs are read from the original bytes: base64url is case-sensitive.
  return { files, found, ...openBlobs(text, key) };
}

const keyOf = (dataDir: string) =>
  Buffer.from(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim(), 'base64');

describe.each([
  ['delivery in the host process', undefined],
  ['two delivery worker processes', 2],
])('retention 0, %s', (_, workerProcesses) => {
  let h: HostHarness;
  let dataDir: string;
  let running = false;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'signal-on-disk-'));
    h = await startHost({ dataDir, rawRetentionMs: 0, workerProcesses });
    running = true;
  });
  afterEach(async () => {
    if (running) await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('after delivery, purge and delete, no planted value or deleted secret is in the files', async () => {
    const kept = await h.install(SEED_INSTALL);
    const deleted = await h.install(DELETED_INSTALL);
    expect([kept.status, deleted.status]).toEqual([201, 201]);
    const ingested = await h.ingest('/v1/t', plantedEvent('DISK-1'));
    expect(ingested.status).toBe(200);
    const eventId = ingested.body.ids[0] as string;
    // Both integrations deliver it: the raw event is final, so retention 0 purges it.
    await h.waitFor(async () => {
      const { data } = (await h.admin('/v1/admin/live-events')).body as {
        data: Array<{ event_id: string; outcome: { status: string } }>;
      };
      const mine = data.filter((e) => e.event_id === eventId);
      return mine.length === 2 && mine.every((e) => e.outcome.status === 'delivered');
    }, 'two deliveries');
    const sent = [...h.sandbox.accepted.values()].map((e) => JSON.stringify(e.event));
    expect(sent).toHaveLength(2);
    for (const body of sent)
      for (const v of [PLANTED.ip, PLANTED.adId, PLANTED.userAgent]) expect(body).toContain(v);
    const key = keyOf(dataDir);
    const db = new Database(join(dataDir, 'signal-host.db'), { readonly: true });
    try {
      // The purge ends with a checkpoint; what the Delivery Log writes after it may fill the WAL again.
      await h.waitFor(() => {
        const { purged } = db.prepare('SELECT purged FROM events WHERE id = ?').get(eventId) as {
          purged: number;
        };
        return (purged === 1 && scan(dataDir, key, PLANTED).found.length === 0) || undefined;
      }, 'the purge, and no planted value in the files');
      // What is kept of the Amazon events: the hashed match keys, and nothing raw.
      const stored = db.prepare('SELECT amazon_event AS json FROM delivery_events').all() as Array<{
        json: string;
      }>;
      expect(stored).toHaveLength(2);
      for (const { json } of stored) {
        const event = JSON.parse(json);
        expect(event.eventId).toBe('DISK-1');
        expect(event.matchKeys.map((k: { type: string }) => k.type).sort()).toEqual(HASHED_KEYS);
        expect([event.deviceInfo, event.consent?.geo, event.arefMeasurementTokens]).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      }
    } finally {
      db.close();
    }
    const afterPurge = scan(dataDir, key, PLANTED);
    expect(afterPurge.found).toEqual([]);
    // The integration to delete is in the files by its name and its custom event, before the delete.
    expect(scan(dataDir, key, DELETED_SETTINGS).found.sort()).toEqual(['customEvent', 'name', 'vendorName']);
    // Both integrations' secrets are live: each in its installation and its revision.
    expect(afterPurge.opened.sort()).toEqual(
      [...DELETED_SECRETS, ...DELETED_SECRETS, KEPT_SECRET, KEPT_SECRET].sort(),
    );

    expect((await h.admin(`/v1/admin/integrations/${deleted.body.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    await h.waitFor(
      () => scan(dataDir, key, DELETED_SECRETS_BY_NAME).opened.length === 2 || undefined,
      'the deleted secrets gone from the WAL',
    );
    // What references it keeps: its id, catalog keys and timestamps; the name is a placeholder.
    const list = (await h.admin('/v1/admin/integrations')).body.data as Array<{ id: string }>;
    expect(list.map((i) => i.id)).toEqual([kept.body.id]);
    const raw = { ...PLANTED, ...DELETED_SECRETS_BY_NAME, ...DELETED_SETTINGS };
    const whileRunning = scan(dataDir, key, raw);
    expect(whileRunning.files).toEqual(FILES);
    expect(whileRunning.found).toEqual([]);
    // The kept integration's token, in its installation and its revision; nothing else opens, nothing fails to.
    expect(whileRunning.opened).toEqual([KEPT_SECRET, KEPT_SECRET]);
    expect(whileRunning.unopened).toBe(0);

    await h.host.stop();
    await h.sandbox.close();
    running = false;
    const stopped = scan(dataDir, key, raw);
    expect(stopped.files).toEqual(['signal-host.db']);
    expect(stopped.found).toEqual([]);
    expect(stopped.opened).toEqual([KEPT_SECRET, KEPT_SECRET]);
    expect(stopped.unopened).toBe(0);
  });
});

test('a deleted connection leaves its refresh token in no file, sealed or not', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-on-disk-conn-'));
  try {
    const store = openHostStore(dataDir);
    const connection = store.connections.add('amzn1.application-oa2-client.x', CONNECTION_TOKEN, 1, 'now');
    const other = store.connections.add('amzn1.application-oa2-client.x', 'Atzr|kept-token', 1, 'now');
    expect(scan(dataDir, store.key, { token: CONNECTION_TOKEN }).opened).toContain(CONNECTION_TOKEN);
    expect(store.connections.delete(connection.id)).toBe(true);
    // A checkpoint another connection kept from finishing is tried again: the deadline allows for that.
    const deadline = Date.now() + 5_000;
    while (scan(dataDir, store.key, { token: CONNECTION_TOKEN }).opened.length > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    const running = scan(dataDir, store.key, { token: CONNECTION_TOKEN });
    expect([running.found, running.opened, running.unopened]).toEqual([[], ['Atzr|kept-token'], 0]);
    expect(store.connections.get(other.id)?.id).toBe(other.id);
    store.close();
    const stopped = scan(dataDir, store.key, { token: CONNECTION_TOKEN });
    expect([stopped.found, stopped.opened, stopped.unopened]).toEqual([[], ['Atzr|kept-token'], 0]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a replaced access token opens from no blob: only the current revision keeps secrets', async () => {
  const h = await startHost();
  try {
    const installed = await h.install({ name: 'Replaced', variant: 'default', config: DELETED });
    expect(installed.status).toBe(201);
    const issued = await fetch(`${h.sandbox.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: DELETED.refresh_token!,
        client_id: DELETED.client_id!,
        client_secret: DELETED.client_secret!,
      }),
    });
    const fresh = ((await issued.json()) as { access_token: string }).access_token;
    const patched = await h.admin(`/v1/admin/integrations/${installed.body.id}`, {
      method: 'PATCH',
      body: { config: { access_token: fresh } },
    });
    expect(patched.status).toBe(200);
    const id = (await h.ingest('/v1/t', plantedEvent('REPLACED-1'))).body.ids[0] as string;
    await h.waitForOutcome(id, 'delivered');
    const key = keyOf(h.dataDir);
    const current = [fresh, DELETED.client_secret!, DELETED.refresh_token!];
    // The installation and the current revision; the first revision keeps its settings only.
    const expected = [...current, ...current].sort();
    await h.waitFor(
      () => scan(h.dataDir, key, {}).opened.length === expected.length || undefined,
      'the replaced token gone from the WAL',
    );
    const running = scan(h.dataDir, key, { old: DELETED.access_token! });
    expect([running.found, running.opened.sort(), running.unopened]).toEqual([[], expected, 0]);
  } finally {
    await h.close();
  }
});
