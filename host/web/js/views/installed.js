// The Installed tab: one card per integration with its status, token health, the enable switch and actions.
import { api } from '../api.js';
import { $, el, enc } from '../dom.js';
import {
  advertiserText,
  loadIntegrations,
  statusText,
  store,
  tokenHealth,
  unverifiedBadge,
  variantName,
} from '../integrations.js';
import { confirmDialog, notify } from '../widgets/table.js';
import { catalogEntry, openInstall } from './install-dialog.js';

/** The actions every integration offers, here and on its page: Edit, Reconnect, the switch, Delete. */
export function integrationActions(i, after) {
  return el(
    'div',
    { class: 'row-actions' },
    el(
      'label',
      { class: 'switch' },
      el('input', {
        type: 'checkbox',
        role: 'switch',
        checked: i.enabled,
        'aria-label': `Enable ${i.name}`,
        onchange: async (e) => {
          await api(`/v1/admin/integrations/${enc(i.id)}`, {
            method: 'PATCH',
            body: { enabled: e.target.checked },
            what: `Switching ${i.name} ${e.target.checked ? 'on' : 'off'}`,
          });
          notify(
            e.target.checked
              ? `${i.name} is enabled: new events are delivered to Amazon.`
              : `${i.name} is disabled: new events are not sent (filtered as INTEGRATION_DISABLED).`,
          );
          await after();
        },
      }),
      ' Enabled',
    ),
    el('button', {
      type: 'button',
      class: 'secondary',
      onclick: () => openInstall(catalogEntry(), i),
      text: 'Edit',
      'aria-label': `Edit config of ${i.name}`,
    }),
    el('button', {
      type: 'button',
      class: 'secondary',
      onclick: () => reconnect(i),
      text: 'Reconnect',
      'aria-label': `Reconnect ${i.name} with Amazon`,
    }),
    el('button', {
      type: 'button',
      class: 'danger',
      onclick: () => confirmDelete(i),
      text: 'Delete',
      'aria-label': `Delete ${i.name}`,
    }),
  );
}

function card(i) {
  return el(
    'article',
    {
      class: `card integration-card${i.needs_reconnect ? ' needs-reconnect' : ''}`,
      'aria-label': i.name,
      'data-id': i.id,
    },
    el('h3', {}, el('a', { href: `#/integrations/installed/${enc(i.id)}`, text: i.name })),
    el(
      'p',
      {
        class: 'muted',
        text: `${variantName(i.catalog_variant_key)} · ${i.installation.region} · advertiser ${advertiserText(i)}`,
      },
      ...unverifiedBadge(i),
    ),
    el(
      'p',
      { class: 'status-line' },
      el('span', { class: `badge status-${statusText(i).replace(' ', '-')}`, text: statusText(i) }),
      ' ',
      el('span', {
        class: i.auth.needs_reconnect ? 'error' : 'muted',
        text: `Token: ${tokenHealth(i.auth)}`,
      }),
    ),
    integrationActions(i, () => showInstalled()),
  );
}

export async function showInstalled() {
  await loadIntegrations();
  $('#installed-list').replaceChildren(
    ...(store.integrations.length === 0
      ? [
          el(
            'p',
            { class: 'empty' },
            'No integration is installed yet. Open the ',
            el('a', { href: '#/integrations/library', text: 'Integration Library' }),
            ', find Amazon DSP Events and click Install.',
          ),
        ]
      : store.integrations.map(card)),
  );
}

/** Reconnect: the same Connect with Amazon flow, back to this integration (its history and queue kept). */
async function reconnect(i) {
  const { authorize_url } = await api('/v1/admin/oauth/amazon/start', {
    method: 'POST',
    body: { integration_id: i.id, region: i.installation.region },
    what: `Reconnecting ${i.name}`,
  });
  location.href = authorize_url;
}

async function confirmDelete(i) {
  const yes = await confirmDialog({
    title: `Delete ${i.name}?`,
    text:
      'Its configuration and secrets are removed at once. Events still queued for it are not sent: they are ' +
      'recorded as filtered ("integration deleted"). Events already delivered stay in the Delivery Log. This cannot be undone.',
    action: 'Delete',
    danger: true,
  });
  if (!yes) return;
  await api(`/v1/admin/integrations/${enc(i.id)}`, { method: 'DELETE', what: `Deleting ${i.name}` });
  notify(`${i.name} deleted.`);
  if (location.hash === '#/integrations/installed') await showInstalled();
  else location.hash = '#/integrations/installed';
}

/**
 * Back from Amazon for a reconnect: the address alone changes nothing; the operator confirms with a click, then
 * the integration gets the new connection as a new revision, and a note says so.
 */
export async function confirmReconnect(integrationId, connectionId) {
  await loadIntegrations();
  const i = store.integrations.find((x) => x.id === integrationId);
  const back = `#/integrations/installed/${enc(integrationId)}`;
  const yes = await confirmDialog({
    title: `Reconnect ${i?.name ?? integrationId}`,
    text: 'Amazon is connected. Use this connection for the integration? Its queue and history are kept.',
    action: 'Use this connection',
  });
  if (yes) {
    await api(`/v1/admin/integrations/${enc(integrationId)}`, {
      method: 'PATCH',
      body: { config: { connection_id: connectionId } },
      what: `Reconnecting ${i?.name ?? integrationId}`,
    });
    notify(`${i?.name ?? integrationId} is reconnected with Amazon: its tokens renew automatically.`);
  }
  location.hash = back;
}
