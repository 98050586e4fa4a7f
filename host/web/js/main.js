// The reference host's page: everything it shows comes from the Management API, and the install form is built
// from the catalog entry (manifest.json + config schema) and install-layout.json. A view is one module, one row
// in VIEWS and one <section id="view-…"> in index.html.
import { askForToken, clearError, hasToken, setToken, showError, api } from './api.js';
import { $, $$ } from './dom.js';
import { loadCatalog, loadIntegrations } from './integrations.js';
import { initDead, showDead } from './views/dead.js';
import { initInstallDialog } from './views/install-dialog.js';
import { showIntegrations } from './views/integrations.js';
import { initLibrary } from './views/library.js';
import { initLive, showLive, startLive } from './views/live.js';
import { initLog, showLog } from './views/log.js';
import { initQuality, showQuality } from './views/quality.js';
import { notify, placeNote, viewOf } from './widgets/table.js';

/** Every view: its route (#/name/…), and what shows it given the rest of the route. */
const VIEWS = {
  integrations: showIntegrations,
  live: showLive,
  quality: showQuality,
  log: showLog,
  dead: showDead,
};

function route() {
  const [view, ...rest] = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return '';
      }
    });
  return { view: Object.hasOwn(VIEWS, view) ? view : 'integrations', rest };
}

/** The view shown last: another one starts at the top of the page. */
let shown = '';

async function show() {
  const { view, rest } = route();
  if (view !== shown) window.scrollTo(0, 0);
  shown = view;
  for (const section of $$('main > section')) section.hidden = section.id !== `view-${view}`;
  for (const a of $$('.sidebar a')) {
    const current = a.dataset.view === view;
    a.toggleAttribute('aria-current', current);
    // The active tab centred in the row at 390 px (scrollIntoView would scroll the page too).
    if (current)
      a.parentElement.scrollLeft = a.offsetLeft - (a.parentElement.clientWidth - a.offsetWidth) / 2;
  }
  markTabScroll();
  placeNote(view);
  await VIEWS[view](rest);
}

const reshow = () => show().catch(showError);

async function start() {
  await loadCatalog();
  await loadIntegrations();
  initLibrary();
  // New requests to Amazon refresh an open Delivery Log, at most once a second however busy the host is.
  let pending = null;
  await startLive(() => {
    if (route().view !== 'log' || pending) return;
    pending = setTimeout(() => {
      pending = null;
      if (route().view === 'log') reshow();
    }, 1_000);
  });
  await show();
}

/** At 390 px the sidebar is a row of tabs: its edges fade where more tabs are hidden. */
function markTabScroll() {
  const bar = $('.sidebar');
  bar.classList.toggle('more-left', bar.scrollLeft > 2);
  bar.classList.toggle('more-right', bar.scrollLeft + bar.clientWidth < bar.scrollWidth - 2);
}

let wired = false;
function wireOnce() {
  if (wired) return;
  wired = true;
  window.addEventListener('hashchange', () => {
    clearError();
    reshow();
  });
  initInstallDialog(async (note, back) => {
    notify(note, viewOf(back));
    if (location.hash !== back) location.hash = back;
    else await reshow();
  });
  $('.sidebar').addEventListener('scroll', markTabScroll);
  window.addEventListener('resize', markTabScroll);
  initLive();
  initQuality(reshow);
  initLog(reshow);
  initDead();
  for (const id of ['app-error', 'app-note'])
    $(`#${id} button`).addEventListener('click', () => ($(`#${id}`).hidden = true));
}

// Without the token nothing works: Escape does not close its dialog.
$('#token-dialog').addEventListener('cancel', (e) => e.preventDefault());

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  setToken($('#token-input').value.trim());
  try {
    await api('/v1/admin/integration-catalog', { what: 'Signing in' });
  } catch (error) {
    askForToken(error.status === 401 ? 'The token was not accepted.' : error.message);
    return;
  }
  $('#token-dialog').close();
  wireOnce();
  await start().catch(showError);
});

if (hasToken()) {
  wireOnce();
  start().catch((error) =>
    error.status === 401 ? askForToken('The token was not accepted.') : showError(error),
  );
} else askForToken();
