// The installed integrations and the catalog, loaded once and shared by the views that list or pick them.
import { api } from './api.js';
import { el } from './dom.js';

export const store = { catalog: [], integrations: [] };

export async function loadCatalog() {
  store.catalog = (
    await api('/v1/admin/integration-catalog', { what: 'Loading the Integration Library' })
  ).data;
  return store.catalog;
}

export async function loadIntegrations() {
  store.integrations = (
    await api('/v1/admin/integrations?limit=500', { what: 'Loading the installed integrations' })
  ).data;
  return store.integrations;
}

export const integrationById = (id) => store.integrations.find((i) => i.id === id);

/** A variant's display name (Website), never its key (default). */
export function variantName(key) {
  for (const entry of store.catalog) {
    const variant = entry.variants.find((v) => v.key === key);
    if (variant) return variant.name;
  }
  return key ?? '';
}

/**
 * How an integration is named wherever one is listed or picked: its name and its variant's name, and the end
 * of its id when another has the same name and variant (so no picker lists one name twice).
 */
export function integrationLabel(i) {
  const label = `${i.name} (${variantName(i.catalog_variant_key)})`;
  const twin = store.integrations.some(
    (o) => o.id !== i.id && o.name === i.name && o.catalog_variant_key === i.catalog_variant_key,
  );
  return twin ? `${label} · …${i.id.slice(-6)}` : label;
}

/** The name of an integration by id, for rows that carry only the id (a deleted one says so). */
export const integrationName = (id) => {
  const i = integrationById(id);
  return i ? integrationLabel(i) : id ? 'deleted integration' : '';
};

/**
 * Fills a picker with the integrations (an "All" option first when `all`), keeping the choice, or `wanted`
 * when it names one; off when nothing is installed. Returns the id picked.
 */
export function fillPicker(select, { all = false, wanted } = {}) {
  const keep = wanted && integrationById(wanted) ? wanted : select.value;
  select.replaceChildren(
    ...(all ? [el('option', { value: '', text: 'All' })] : []),
    ...store.integrations.map((i) =>
      el('option', { value: i.id, text: integrationLabel(i), selected: i.id === keep }),
    ),
  );
  select.disabled = store.integrations.length === 0;
  return select.value;
}

/** Token health in words: renews itself, expires soon, or needs a reconnect. */
export function tokenHealth(auth) {
  if (auth.needs_reconnect) return 'reconnect needed';
  if (auth.renews) return auth.method === 'api_token' ? 'API token: does not expire' : 'renews automatically';
  const minutes = auth.access_token_expires_at
    ? Math.round((Date.parse(auth.access_token_expires_at) - Date.now()) / 60_000)
    : undefined;
  if (minutes === undefined) return 'expires within the hour — add refresh credentials';
  return minutes > 0 ? `expires in ${minutes} min — add refresh credentials` : 'expired — reconnect';
}

export const statusText = (i) =>
  i.needs_reconnect ? 'reconnect needed' : i.enabled ? 'enabled' : 'disabled';

export const advertiserText = (i) =>
  `${i.installation.advertiser.name ?? ''} ${i.installation.advertiser.accountId}`.trim();

/** The advertiser install could not see listed: a badge until Amazon accepts its first batch. */
export function unverifiedBadge(i) {
  if (i.installation.verification !== 'unverified') return [];
  return [
    ' ',
    el('span', {
      class: 'badge unverified',
      text: 'unverified',
      title:
        'Not seen among the advertiser accounts these credentials reach: verified when Amazon accepts its first batch. Refused events: check the advertiser id.',
    }),
  ];
}
