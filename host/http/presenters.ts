import { maskConfig, type Installation, type TokenHealth } from '../../plugin/index.js';
import type { IntegrationRow, RevisionRow } from '../store/integrations-repo.js';
import { cursor } from '../ids.js';

/** An integration as the Management API shows it: template fields, current revision, resolved installation; secrets masked. */
export function presentIntegration(
  row: IntegrationRow,
  revision: RevisionRow,
  health: TokenHealth,
): Record<string, unknown> {
  const installation = JSON.parse(row.installation) as Installation;
  const needsReconnect = row.needs_reconnect === 1;
  return {
    id: row.id,
    name: row.name,
    vendor: row.vendor,
    catalog_vendor_key: row.catalog_vendor_key,
    catalog_variant_key: row.catalog_variant_key,
    enabled: row.enabled === 1,
    needs_reconnect: row.needs_reconnect === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision: {
      id: revision.id,
      integration_id: revision.integration_id,
      revision_number: revision.revision_number,
      config: maskConfig(JSON.parse(revision.config) as object),
      delivery_mode: revision.delivery_mode,
      created_at: revision.created_at,
    },
    installation: {
      region: installation.region,
      api_host: installation.apiHost,
      advertiser: installation.advertiser,
      profile: installation.profile,
      client_id_source: installation.clientIdSource,
      verification: installation.verification ?? 'verified',
      warnings: installation.warnings,
    },
    auth: {
      ...health,
      needs_reconnect: needsReconnect,
      reason: needsReconnect
        ? 'Amazon refused the credentials: reconnect (Connect with Amazon) or enter new tokens. Events wait meanwhile.'
        : health.renews
          ? null
          : 'Only an access token was given: it stops within the hour. Connect with Amazon or add refresh credentials so it renews itself.',
    },
  };
}

/** `{data, next_cursor, has_more}` from one extra row fetched past the page. */
export function page<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => number,
): { data: T[]; next_cursor: string | null; has_more: boolean } {
  const data = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    data,
    next_cursor: hasMore ? cursor.encode(keyOf(data[data.length - 1]!)) : null,
    has_more: hasMore,
  };
}
