import type { Installation } from '../../plugin/index.js';
import type { Db } from './database.js';
import { newId } from '../ids.js';
import { isSealed, mapSecrets, withoutSecrets, type SecretBox } from './secret-box.js';

export interface IntegrationRow {
  id: string;
  name: string;
  vendor: string;
  catalog_vendor_key: string;
  catalog_variant_key: string;
  enabled: number;
  needs_reconnect: number;
  current_revision_id: string;
  installation: string;
  created_at: string;
  updated_at: string;
}

export interface RevisionRow {
  id: string;
  integration_id: string;
  revision_number: number;
  config: string;
  delivery_mode: string;
  created_at: string;
}

/** The name a deleted integration keeps in place of its own. */
export const DELETED_NAME = 'Deleted integration';

/**
 * Installed integrations (templates) and their immutable revisions. Secrets are stored encrypted (`SecretBox`)
 * and opened only in the installation a row hands out, for delivery; callers mask them for any view. A deleted
 * integration loses its name, config and secrets at once, from the database files too; a revision keeps its secrets only while it
 * is the current one.
 */
export class IntegrationsRepo {
  constructor(
    private readonly db: Db,
    private box: SecretBox,
    /** Called after a delete or a revision removed secrets, to clear them from the write-ahead log (wal-scrub.ts). */
    private readonly deleted: () => void = () => {},
  ) {}

  /** The installation as stored: its config's secrets sealed. */
  private sealed(installation: Installation): string {
    return JSON.stringify({ ...installation, config: this.sealedConfig(installation.config) });
  }

  private sealedConfig<T extends object>(config: T): T {
    return mapSecrets(config, (v) => this.box.seal(v));
  }

  /**
   * Installations opened from their stored (sealed) text, by integration id: each stored version is parsed and
   * decrypted once, not on every ingestion request and deliver call that reads the integrations.
   */
  private readonly openedCache = new Map<
    string,
    { stored: string; text: string; installation: Installation }
  >();

  /** A row with its installation's secrets opened. */
  private opened<T extends IntegrationRow | undefined>(row: T): T {
    if (!row) return row;
    return { ...row, installation: this.open(row.id, row.installation).text };
  }

  private open(id: string, stored: string): { text: string; installation: Installation } {
    const cached = this.openedCache.get(id);
    if (cached?.stored === stored) return cached;
    const sealed = JSON.parse(stored) as Installation;
    const installation = { ...sealed, config: mapSecrets(sealed.config, (v) => this.box.open(v)) };
    const opened = { stored, text: JSON.stringify(installation), installation };
    this.openedCache.set(id, opened);
    return opened;
  }

  /** The installation of a row this repo handed out, secrets opened; parsed once per stored version. */
  installation(row: IntegrationRow): Installation {
    const cached = this.openedCache.get(row.id);
    return cached?.text === row.installation
      ? cached.installation
      : (JSON.parse(row.installation) as Installation);
  }

  create(
    name: string,
    variant: string,
    installation: Installation,
    now: string,
  ): { integration: IntegrationRow; revision: RevisionRow } {
    const id = newId('tmpl');
    const revisionId = newId('rev');
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO integrations (id, name, vendor, catalog_vendor_key, catalog_variant_key, enabled, current_revision_id, installation, created_at, updated_at)
           VALUES (?, ?, 'amazon', 'amazon_dsp', ?, 1, ?, ?, ?, ?)`,
        )
        .run(id, name, variant, revisionId, this.sealed(installation), now, now);
      this.insertRevision(revisionId, id, 1, installation, now);
    })();
    return { integration: this.get(id)!, revision: this.revision(revisionId)! };
  }

  /** A config change: a new immutable revision and the new installation. */
  revise(id: string, installation: Installation, now: string): RevisionRow {
    const revisionId = newId('rev');
    this.db.transaction(() => {
      const { n } = this.db
        .prepare('SELECT MAX(revision_number) AS n FROM revisions WHERE integration_id = ?')
        .get(id) as { n: number };
      this.insertRevision(revisionId, id, n + 1, installation, now);
      this.db
        .prepare(
          'UPDATE integrations SET current_revision_id = ?, installation = ?, catalog_variant_key = ?, needs_reconnect = 0, updated_at = ? WHERE id = ?',
        )
        .run(revisionId, this.sealed(installation), installation.variant, now, id);
      // Only the current revision is ever used: the ones before it keep their settings, not their secrets,
      // so a credential replaced here is gone from the database like a deleted one.
      this.removeSecretsFromRevisions(id, revisionId);
    })();
    this.deleted();
    return this.revision(revisionId)!;
  }

  private insertRevision(
    id: string,
    integrationId: string,
    n: number,
    installation: Installation,
    now: string,
  ): void {
    this.db
      .prepare(
        'INSERT INTO revisions (id, integration_id, revision_number, config, delivery_mode, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, integrationId, n, JSON.stringify(this.sealedConfig(installation.config)), 'server_side', now);
  }

  get(id: string): IntegrationRow | undefined {
    return this.opened(
      this.db.prepare('SELECT * FROM integrations WHERE id = ? AND deleted_at IS NULL').get(id) as
        IntegrationRow | undefined,
    );
  }

  revision(id: string): RevisionRow | undefined {
    return this.db.prepare('SELECT * FROM revisions WHERE id = ?').get(id) as RevisionRow | undefined;
  }

  /** A page of integrations in creation order, after the row `after` (a rowid), each with its rowid. */
  list(after: number, limit: number): Array<IntegrationRow & { rowid: number }> {
    return this.db
      .prepare(
        'SELECT rowid, * FROM integrations WHERE deleted_at IS NULL AND rowid > ? ORDER BY rowid LIMIT ?',
      )
      .all(after, limit)
      .map((row) => this.opened(row as IntegrationRow & { rowid: number }));
  }

  all(): IntegrationRow[] {
    return (
      this.db
        .prepare('SELECT * FROM integrations WHERE deleted_at IS NULL ORDER BY rowid')
        .all() as IntegrationRow[]
    ).map((row) => this.opened(row));
  }

  setEnabled(id: string, enabled: boolean, now: string): void {
    this.db
      .prepare('UPDATE integrations SET enabled = ?, updated_at = ? WHERE id = ?')
      .run(enabled ? 1 : 0, now, id);
  }

  setName(id: string, name: string, now: string): void {
    this.db.prepare('UPDATE integrations SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
  }

  setNeedsReconnect(id: string, value: boolean): void {
    this.db.prepare('UPDATE integrations SET needs_reconnect = ? WHERE id = ?').run(value ? 1 : 0, id);
  }

  /**
   * Amazon accepted events for an unverified advertiser: the installation is verified from now on. Only while
   * it still sends for that advertiser (a config change since may have named another).
   */
  markVerified(id: string, advertiserAccountId: string): void {
    this.db
      .prepare(
        `UPDATE integrations SET installation = json_set(installation, '$.verification', 'verified')
         WHERE id = ? AND json_extract(installation, '$.verification') = 'unverified'
           AND json_extract(installation, '$.advertiser.accountId') = ?`,
      )
      .run(id, advertiserAccountId);
  }

  /**
   * Marks the integration deleted and scrubs what identified or configured it: its name becomes
   * `DELETED_NAME`, its installation keeps only its id, catalog key and variant, and every revision's config
   * (secrets, advertiser, custom events) becomes `{}`. What references it keeps: the id, the catalog keys and the
   * timestamps. Then the WAL is checkpointed, so the old values leave the files too.
   */
  delete(id: string, now: string): void {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT installation FROM integrations WHERE id = ?').get(id) as
        { installation: string } | undefined;
      if (!row) return;
      const { catalogKey, variant } = JSON.parse(row.installation) as Installation;
      const kept = JSON.stringify({ id, catalogKey, variant, config: {} });
      this.db
        .prepare(
          'UPDATE integrations SET deleted_at = ?, enabled = 0, name = ?, installation = ?, updated_at = ? WHERE id = ?',
        )
        .run(now, DELETED_NAME, kept, now, id);
      this.db.prepare("UPDATE revisions SET config = '{}' WHERE integration_id = ?").run(id);
    })();
    this.openedCache.delete(id);
    this.deleted();
  }

  /** The integration's revisions (but `keep`) without their secrets. */
  private removeSecretsFromRevisions(id: string, keep = ''): void {
    const update = this.db.prepare('UPDATE revisions SET config = ? WHERE id = ?');
    for (const revision of this.db
      .prepare('SELECT id, config FROM revisions WHERE integration_id = ? AND id != ?')
      .all(id, keep) as Array<{ id: string; config: string }>)
      update.run(JSON.stringify(withoutSecrets(JSON.parse(revision.config) as object)), revision.id);
  }

  /**
   * Every stored secret sealed under `next`: values sealed under the current key are opened and sealed again,
   * values stored before encryption are sealed. One transaction; the box in use becomes `next`.
   */
  reseal(next: SecretBox): number {
    let sealed = 0;
    const change = (value: string): string => {
      sealed++;
      return next.seal(this.box.open(value));
    };
    this.db.transaction(() => {
      for (const row of this.db.prepare('SELECT id, installation FROM integrations').all() as Array<{
        id: string;
        installation: string;
      }>) {
        const installation = JSON.parse(row.installation) as Installation;
        const config = mapSecrets(installation.config, change);
        this.db
          .prepare('UPDATE integrations SET installation = ? WHERE id = ?')
          .run(JSON.stringify({ ...installation, config }), row.id);
      }
      for (const row of this.db.prepare('SELECT id, config FROM revisions').all() as Array<{
        id: string;
        config: string;
      }>) {
        const config = mapSecrets(JSON.parse(row.config) as object, change);
        this.db.prepare('UPDATE revisions SET config = ? WHERE id = ?').run(JSON.stringify(config), row.id);
      }
    })();
    this.box = next;
    return sealed;
  }

  /** Secrets stored before encryption existed, still in plain text (0 once `reseal` has run). */
  plaintextSecrets(): number {
    let n = 0;
    for (const row of this.db.prepare('SELECT installation FROM integrations').all() as Array<{
      installation: string;
    }>) {
      const { config } = JSON.parse(row.installation) as Installation;
      mapSecrets(config, (v) => {
        if (!isSealed(v)) n++;
        return v;
      });
    }
    return n;
  }
}
