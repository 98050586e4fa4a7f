// The Integrations view: the Integration Library and Installed tabs, an integration's page, and the returns
// from Amazon (a new connection to install with, or a reconnect to confirm).
import { $ } from '../dom.js';
import { store } from '../integrations.js';
import { openInstall } from './install-dialog.js';
import { confirmReconnect, showInstalled } from './installed.js';
import { showIntegrationPage } from './integration-page.js';

const TABS = ['library', 'installed'];

export async function showIntegrations([tabName, id, action, connection]) {
  const tab = tabName === 'installed' ? 'installed' : 'library';
  for (const t of TABS) {
    $(`#tab-${t}`).setAttribute('aria-selected', String(t === tab));
    $(`#tab-${t}`).tabIndex = t === tab ? 0 : -1;
    $(`#panel-${t}`).hidden = t !== tab;
  }
  if (tab === 'library') {
    // Back from Amazon: the install dialog opens with the connection's pickers and the variant picked before.
    if (id === 'connect' && action && !$('#install-dialog').open)
      await openInstall(store.catalog[0], undefined, action);
    return;
  }
  const page = Boolean(id);
  $('#installed-list').hidden = page;
  $('#integration-page').hidden = !page;
  if (id && action === 'reconnect' && connection) return confirmReconnect(id, connection);
  if (page) await showIntegrationPage(id);
  else await showInstalled();
}
