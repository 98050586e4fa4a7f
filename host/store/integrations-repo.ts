import type { Installation } from '../../plugin/index.js';
import type { Db } from './database.js';
import { newId } from '../ids.js';

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

/** Installed integrations (templates) and their immutable revisions. Secrets are stored; callers mask them. */
export class IntegrationsRepo {
  constructor(private readonly db: Db) {}

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
        .run(id, name, variant, revisionId, JSON.stringify(installation), now, now);
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
        .run(revisionId, JSON.stringify(installation), installation.variant, now, id);
    })();
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
      .run(id, integrationId, n, JSON.stringify(installation.config), 'server_side', now);
  }

  get(id: string): IntegrationRow | undefined {
    return this.db.prepare('SELECT * FROM integrations WHERE id = ? AND deleted_at IS NULL').get(id) as
      IntegrationRow | undefined;
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
      .all(after, limit) as Array<IntegrationRow & { rowid: number }>;
  }

  all(): IntegrationRow[] {
    return this.db
      .prepare('SELECT * FROM integrations WHERE deleted_at IS NULL ORDER BY rowid')
      .all() as IntegrationRow[];
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

  delete(id: string, now: string): void {
    this.db
      .prepare('UPDATE integrations SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ?')
      .run(now, now, id);
  }
}
