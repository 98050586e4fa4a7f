// The reference host's page: everything it shows comes from the Management API, and the install form is
// built from the catalog entry (manifest.json + config schema) alone.
const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c);
  return node;
};

const state = {
  token: sessionStorage.getItem('signal-admin-token') ?? '',
  catalog: [],
  integrations: [],
  /** The connection the install dialog installs with (Connect with Amazon), if any. */
  connection: null,
  /** A message for the next Installed view (a reconnect that failed). */
  notice: null,
  /** Live Events entries shown, by row id. */
  live: new Map(),
  editing: null,
};

async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${state.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (response.status === 401) askForToken('The token was not accepted.');
  if (!response.ok)
    throw Object.assign(new Error(data?.error?.message ?? `HTTP ${response.status}`), {
      status: response.status,
      error: data?.error,
    });
  return data;
}

function askForToken(message = '') {
  $('#token-error').textContent = message;
  if (!$('#token-dialog').open) $('#token-dialog').showModal();
}

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  state.token = $('#token-input').value.trim();
  try {
    await api('/v1/admin/integration-catalog');
    sessionStorage.setItem('signal-admin-token', state.token);
    $('#token-dialog').close();
    await start();
  } catch {
    askForToken('The token was not accepted.');
  }
});

// --- views and routes --------------------------------------------------------------------------------
// Every view has a route in the URL (#/live, #/integrations/installed/tmpl_…), so reload and back keep the place.
const VIEWS = ['integrations', 'live', 'quality', 'log', 'dead'];

function route() {
  const [view, ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { view: VIEWS.includes(view) ? view : 'integrations', rest };
}

async function show() {
  const { view, rest } = route();
  for (const section of document.querySelectorAll('main > section'))
    section.hidden = section.id !== `view-${view}`;
  for (const a of document.querySelectorAll('.sidebar a'))
    a.toggleAttribute('aria-current', a.dataset.view === view);
  if (view === 'integrations') {
    const tab = rest[0] === 'installed' ? 'installed' : 'library';
    for (const t of ['library', 'installed']) {
      $(`#tab-${t}`).setAttribute('aria-selected', String(t === tab));
      $(`#panel-${t}`).hidden = t !== tab;
    }
    if (tab === 'installed' && rest[2] === 'reconnect' && rest[3]) return confirmReconnect(rest[1], rest[3]);
    if (tab === 'installed') await loadIntegrations(rest[1]);
    // Back from Amazon: the install dialog opens with the connection's pickers.
    if (tab === 'library' && rest[1] === 'connect' && rest[2] && !$('#install-dialog').open)
      openInstall(state.catalog[0], undefined, rest[2]);
  }
  if (view === 'live') showLive(rest[0]);
  if (view === 'log') await loadLog(rest[0]);
  if (view === 'dead') await loadDead();
  if (view === 'quality') await loadQuality();
}
window.addEventListener('hashchange', () => show().catch(showError));

function showError(error) {
  if (error?.status !== 401) console.error(error);
}
// --- Integration Library -----------------------------------------------------------------------------
function renderCatalog() {
  const category = $('#category-filter').value;
  const q = $('#catalog-search').value.trim().toLowerCase();
  const shown = state.catalog.filter(
    (c) =>
      (!category || c.category === category) &&
      (!q || `${c.name} ${c.description} ${c.key}`.toLowerCase().includes(q)),
  );
  $('#catalog').replaceChildren(
    ...shown.map((c) =>
      el(
        'article',
        { class: 'card' },
        el('h3', { text: c.name }),
        el('p', {
          class: 'muted',
          text: `${c.category} · ${c.status} · ${c.delivery_mode.replace('_', '-')}`,
        }),
        el('p', { text: c.description }),
        el(
          'button',
          { type: 'button', onclick: () => openInstall(c), 'aria-label': `Install ${c.name}` },
          'Install',
        ),
      ),
    ),
    ...(shown.length === 0 ? [el('p', { class: 'muted', text: 'No integration matches.' })] : []),
  );
}
$('#category-filter').addEventListener('change', renderCatalog);
$('#catalog-search').addEventListener('input', renderCatalog);

/** One form control per config field, from manifest.json's config_fields and the config schema. */
function fieldControl(field, schema, value) {
  const id = `field-${field.key}`;
  const prop = schema.properties[field.key] ?? {};
  // Editing: a secret left blank keeps the stored one, so it is not required there.
  const keepsSecret = field.type === 'secret' && state.editing;
  const common = {
    id,
    name: field.key,
    'aria-describedby': `${id}-help ${id}-error`,
    required: field.required && !keepsSecret,
  };
  let input;
  if (field.options) {
    input = el(
      'select',
      common,
      el('option', { value: '', text: 'from the profile' }),
      ...field.options.map((o) => el('option', { value: o, text: o, selected: value === o })),
    );
  } else if (field.type === 'boolean') {
    input = el('input', { ...common, type: 'checkbox', checked: value === true });
  } else if (field.type === 'json') {
    input = el('textarea', { ...common, rows: 4, placeholder: field.placeholder });
    if (value !== undefined) input.value = JSON.stringify(value, null, 2);
  } else {
    input = el('input', {
      ...common,
      type: field.type === 'secret' ? 'password' : field.type === 'number' ? 'number' : 'text',
      placeholder: field.placeholder,
      autocomplete: field.type === 'secret' ? 'new-password' : 'off',
      min: prop.minimum,
      max: prop.maximum,
    });
    // Secrets are never echoed back: an edit leaves them empty, and empty keeps the stored one.
    if (value !== undefined && field.type !== 'secret') input.value = String(value);
  }
  return el(
    'div',
    { class: 'field' },
    el(
      'label',
      { for: id },
      field.label,
      common.required ? el('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    input,
    el('small', {
      id: `${id}-help`,
      class: 'muted',
      text: keepsSecret
        ? `Leave blank to keep the stored secret. ${field.help_text ?? ''}`.trim()
        : (field.help_text ?? ''),
    }),
    el('small', { id: `${id}-error`, class: 'error field-error', role: 'alert' }),
  );
}

/** Config fields a connection replaces: the pickers set the ids, the connection gives the tokens. */
const CONNECTED_AWAY = new Set([
  'advertiser_id',
  'profile_id',
  'access_token',
  'client_id',
  'client_secret',
  'refresh_token',
  'manager_account_id',
  'api_token',
  'data_set_id',
  'connection_id',
]);

function openInstall(entry, existing, connectionId) {
  state.editing = existing ?? null;
  state.connection = connectionId ?? null;
  $('#install-title').textContent = existing ? `Edit ${existing.name}` : `Install ${entry.name}`;
  $('#install-description').textContent = entry.description;
  $('#install-submit').textContent = existing ? 'Save (new revision)' : 'Install Integration';
  $('#variant-picker').replaceChildren(
    el('legend', { text: 'Variant' }),
    ...entry.variants.map((v, i) =>
      el(
        'label',
        { class: 'variant' },
        el('input', {
          type: 'radio',
          name: 'variant',
          value: v.key,
          checked: existing ? existing.catalog_variant_key === v.key : i === 0,
        }),
        el('strong', { text: ` ${v.name}` }),
        el('span', { class: 'muted', text: ` — ${v.description}` }),
      ),
    ),
  );
  const config = existing?.revision.config ?? {};
  // The connection id is never typed: Connect with Amazon sets it.
  const shown = entry.config_fields.filter(
    (f) => f.key !== 'connection_id' && !(connectionId && CONNECTED_AWAY.has(f.key)),
  );
  $('#config-fields').replaceChildren(
    ...shown.map((f) => fieldControl(f, entry.config_schema, config[f.key])),
  );
  $('#connect-box').hidden = Boolean(existing || connectionId);
  $('#pickers').hidden = !connectionId;
  $('#install-error').textContent = '';
  $('#install-hint').textContent = '';
  $('#install-dialog').showModal();
  if (connectionId) loadPickers(connectionId).catch((e) => ($('#install-error').textContent = e.message));
}

/** The profile picker (name, country, type), then the advertiser picker of the profile picked. */
async function loadPickers(connectionId) {
  const { data } = await api(`/v1/admin/connections/${encodeURIComponent(connectionId)}/profiles`);
  $('#pick-profile').replaceChildren(
    ...data.map((p) =>
      el('option', {
        value: p.profile_id,
        text: `${p.account_name ?? p.profile_id} · ${p.country} · ${p.account_type ?? 'profile'} (${p.profile_id})`,
      }),
    ),
  );
  await loadAdvertisers();
}

async function loadAdvertisers() {
  const profile = $('#pick-profile').value;
  if (!profile || !state.connection) return;
  const { data } = await api(
    `/v1/admin/connections/${encodeURIComponent(state.connection)}/advertisers?profile_id=${encodeURIComponent(profile)}`,
  );
  $('#pick-advertiser').replaceChildren(
    ...data.map((a) =>
      el('option', { value: a.advertiser_id, text: `${a.name ?? ''} (${a.advertiser_id})`.trim() }),
    ),
  );
}
$('#pick-profile').addEventListener('change', () => loadAdvertisers());

$('#connect-amazon').addEventListener('click', async () => {
  try {
    // Each region's logins sign in on their own Amazon page: ask which before leaving.
    const { authorize_url } = await api('/v1/admin/oauth/amazon/start', {
      method: 'POST',
      body: { region: $('#connect-region').value },
    });
    location.href = authorize_url;
  } catch (error) {
    $('#install-error').textContent = error.message;
  }
});
$('#install-cancel').addEventListener('click', () => $('#install-dialog').close());

function readConfig(entry) {
  const config = state.connection
    ? {
        connection_id: state.connection,
        profile_id: $('#pick-profile').value,
        advertiser_id: $('#pick-advertiser').value,
      }
    : {};
  for (const f of entry.config_fields) {
    const input = document.getElementById(`field-${f.key}`);
    if (!input) continue;
    if (f.type === 'boolean') {
      if (input.checked) config[f.key] = true;
    } else if (input.value.trim() !== '') {
      if (f.type === 'number') config[f.key] = Number(input.value);
      else if (f.type === 'json') {
        try {
          config[f.key] = JSON.parse(input.value);
        } catch {
          throw Object.assign(new Error('not JSON'), {
            fields: [{ field: `config.${f.key}`, message: 'must be valid JSON' }],
          });
        }
      } else config[f.key] = input.value.trim();
    } else if (f.type === 'secret' && state.editing) {
      config[f.key] = state.editing.revision.config[f.key];
    }
  }
  return config;
}

const HINTS = { auth_failed: '401', access_denied: '403', not_found: '404', amazon_unavailable: '429' };

$('#install-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const entry = state.catalog[0];
  for (const small of document.querySelectorAll('.field-error')) small.textContent = '';
  for (const input of document.querySelectorAll('#config-fields [aria-invalid]'))
    input.removeAttribute('aria-invalid');
  $('#install-error').textContent = '';
  $('#install-hint').textContent = '';
  const variant = new FormData($('#install-form')).get('variant');
  try {
    const config = readConfig(entry);
    if (state.editing)
      await api(`/v1/admin/integrations/${state.editing.id}`, { method: 'PATCH', body: { variant, config } });
    else
      await api(`/v1/admin/integration-catalog/${entry.key}/install`, {
        method: 'POST',
        body: { name: entry.name, variant, config, delivery_mode: 'server_side' },
      });
    $('#install-dialog').close();
    location.hash = '#/integrations/installed';
    await show();
  } catch (error) {
    const fields = error.fields ?? error.error?.fields ?? [];
    for (const f of fields) {
      const key = f.field.replace(/^config\./, '').split('.')[0];
      const small = document.getElementById(`field-${key}-error`);
      if (small) {
        small.textContent = small.textContent ? `${small.textContent}; ${f.message}` : f.message;
        document.getElementById(`field-${key}`)?.setAttribute('aria-invalid', 'true');
      }
    }
    $('#install-error').textContent = fields.length ? 'Fix the fields marked in red.' : error.message;
    document.querySelector('#config-fields [aria-invalid="true"]')?.focus();
    const hint = entry.troubleshooting.find((t) => t.key === HINTS[error.error?.code]);
    if (hint) $('#install-hint').textContent = `${hint.title}: ${hint.message}`;
  }
});

// --- Installed ---------------------------------------------------------------------------------------
/** The advertiser install could not see listed: a badge until Amazon accepts its first batch. */
function unverifiedBadge(i) {
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

function verificationText(i) {
  return i.installation.verification === 'unverified'
    ? 'unverified: not listed for these credentials; verified when Amazon accepts its first batch'
    : 'verified';
}

async function loadIntegrations(detailId) {
  state.integrations = (await api('/v1/admin/integrations?limit=500')).data;
  const none = state.integrations.length === 0;
  $('#installed-empty').hidden = !none;
  $('#installed-table').hidden = none;
  $('#installed-rows').replaceChildren(
    ...state.integrations.map((i) =>
      el(
        'tr',
        {},
        el('td', {}, el('a', { href: `#/integrations/installed/${encodeURIComponent(i.id)}`, text: i.name })),
        el('td', { text: i.catalog_variant_key }),
        el('td', { text: i.installation.region }),
        el(
          'td',
          {},
          `${i.installation.advertiser.name ?? ''} ${i.installation.advertiser.accountId}`.trim(),
          ...unverifiedBadge(i),
        ),
        el(
          'td',
          {},
          i.needs_reconnect ? 'reconnect needed' : i.enabled ? 'enabled' : 'disabled',
          el('br'),
          el('small', { class: i.auth.needs_reconnect ? 'error' : 'muted', text: tokenHealth(i.auth) }),
        ),
        el(
          'td',
          {},
          el('input', {
            type: 'checkbox',
            role: 'switch',
            checked: i.enabled,
            'aria-label': `Enable ${i.name}`,
            onchange: async (e) => {
              await api(`/v1/admin/integrations/${i.id}`, {
                method: 'PATCH',
                body: { enabled: e.target.checked },
              });
              loadIntegrations(detailId);
            },
          }),
        ),
        el(
          'td',
          { class: 'row-actions' },
          el('button', {
            type: 'button',
            onclick: () => openInstall(state.catalog[0], i),
            text: 'Edit config',
            'aria-label': `Edit config of ${i.name}`,
          }),
          el('button', {
            type: 'button',
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
        ),
      ),
    ),
  );
  const detail = state.integrations.find((i) => i.id === detailId);
  const notice = state.notice ? [el('p', { class: 'error', role: 'alert', text: state.notice })] : [];
  state.notice = null;
  $('#integration-detail').replaceChildren(...notice, ...(detail ? [integrationDetail(detail)] : []));
  for (const select of document.querySelectorAll('.integration-select')) {
    const current = select.value;
    const all = select.id === 'live-integration' ? [el('option', { value: '', text: 'All' })] : [];
    select.replaceChildren(
      ...all,
      ...state.integrations.map((i) =>
        el('option', { value: i.id, text: i.name, selected: i.id === current }),
      ),
    );
    select.disabled = none;
  }
  for (const note of document.querySelectorAll('.needs-integration')) note.hidden = !none;
}

/** Token health in words: renews itself, expires soon, or needs a reconnect. */
function tokenHealth(auth) {
  if (auth.needs_reconnect) return 'reconnect needed';
  if (auth.renews) return auth.method === 'api_token' ? 'API token: does not expire' : 'renews automatically';
  const minutes = auth.access_token_expires_at
    ? Math.round((Date.parse(auth.access_token_expires_at) - Date.now()) / 60_000)
    : undefined;
  if (minutes === undefined) return 'expires within the hour — add refresh credentials';
  return minutes > 0 ? `expires in ${minutes} min — add refresh credentials` : 'expired — reconnect';
}

/** Reconnect: the same Connect with Amazon flow, back to this integration (its history and queue kept). */
async function reconnect(i) {
  const { authorize_url } = await api('/v1/admin/oauth/amazon/start', {
    method: 'POST',
    body: { integration_id: i.id, region: i.installation.region },
  });
  location.href = authorize_url;
}

/**
 * Back from Amazon for a reconnect: the address alone changes nothing; the operator confirms with a click,
 * then the integration gets the new connection as a new revision.
 */
async function confirmReconnect(integrationId, connectionId) {
  await loadIntegrations();
  const i = state.integrations.find((x) => x.id === integrationId);
  const back = () => (location.hash = `#/integrations/installed/${encodeURIComponent(integrationId)}`);
  $('#integration-detail').replaceChildren(
    el(
      'article',
      { class: 'card detail', 'aria-labelledby': 'reconnect-title' },
      el('h3', { id: 'reconnect-title', text: `Reconnect ${i?.name ?? integrationId}` }),
      el('p', {
        text: 'Amazon is connected. Use this connection for the integration? Its queue and history are kept.',
      }),
      el(
        'div',
        { class: 'row-actions' },
        el('button', {
          type: 'button',
          text: 'Use this connection',
          onclick: () => finishReconnect(integrationId, connectionId),
        }),
        el('button', { type: 'button', text: 'Cancel', onclick: back }),
      ),
    ),
  );
}

/** The operator confirmed: the integration gets the new connection as a new revision. */
async function finishReconnect(integrationId, connectionId) {
  try {
    await api(`/v1/admin/integrations/${encodeURIComponent(integrationId)}`, {
      method: 'PATCH',
      body: { config: { connection_id: connectionId } },
    });
  } catch (error) {
    state.notice = `Reconnect failed: ${error.message}`;
  }
  location.hash = `#/integrations/installed/${encodeURIComponent(integrationId)}`;
}

function integrationDetail(i) {
  return el(
    'article',
    { class: 'card detail', 'aria-labelledby': 'detail-title' },
    el('h3', { id: 'detail-title', text: i.name }),
    el(
      'dl',
      {},
      ...[
        ['Id', i.id],
        ['Variant', i.catalog_variant_key],
        ['Revision', String(i.revision.revision_number ?? '')],
        ['Region', i.installation.region],
        [
          'Advertiser',
          `${i.installation.advertiser.name ?? ''} ${i.installation.advertiser.accountId}`.trim(),
        ],
        ['Verification', verificationText(i)],
        ['Status', i.needs_reconnect ? 'reconnect needed' : i.enabled ? 'enabled' : 'disabled'],
        ['Token', tokenHealth(i.auth)],
        ['Installed', new Date(i.created_at).toLocaleString()],
      ].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]),
    ),
    el('h4', { text: 'Config (secrets hidden)' }),
    jsonBlock(i.revision.config),
    el('p', {}, el('a', { href: `#/log/${encodeURIComponent(i.id)}`, text: 'Its Delivery Log' })),
  );
}

function confirmDelete(i) {
  $('#delete-title').textContent = `Delete ${i.name}?`;
  $('#delete-text').textContent =
    'Its configuration and secrets are removed at once. Events still queued for it are not sent: they are ' +
    'recorded as filtered ("integration deleted"). Events already delivered stay in the Delivery Log. This cannot be undone.';
  $('#delete-dialog').returnValue = '';
  $('#delete-dialog').showModal();
  $('#delete-dialog').addEventListener(
    'close',
    async () => {
      if ($('#delete-dialog').returnValue !== 'delete') return;
      await api(`/v1/admin/integrations/${i.id}`, { method: 'DELETE' });
      location.hash = '#/integrations/installed';
      await show();
    },
    { once: true },
  );
}

/** A JSON string (a key when a colon follows), a number, or true / false / null. */
const JSON_TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** JSON folded in a <details>, its keys, strings and numbers highlighted (built as text nodes), with a copy button. */
function jsonBlock(value, summary = 'JSON') {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const pre = el('pre', { class: 'json' });
  let last = 0;
  for (const m of text.matchAll(JSON_TOKEN)) {
    pre.append(text.slice(last, m.index));
    if (m[1]) pre.append(el('span', { class: m[2] ? 'j-k' : 'j-s', text: m[1] }), m[2] ?? '');
    else pre.append(el('span', { class: m[3] ? 'j-n' : 'j-b', text: m[3] ?? m[4] }));
    last = m.index + m[0].length;
  }
  pre.append(text.slice(last));
  const copy = el('button', {
    type: 'button',
    class: 'copy',
    text: 'Copy',
    onclick: async () => {
      await navigator.clipboard?.writeText(text).catch(() => {});
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    },
  });
  return el('details', { class: 'json-block', open: true }, el('summary', {}, summary, ' ', copy), pre);
}

// --- Live Events -------------------------------------------------------------------------------------
function liveName(entry) {
  return entry.input
    ? (entry.input.event ?? entry.input.name ?? entry.input.type ?? '')
    : (entry.amazon_payload?.eventDescription?.name ?? '');
}

function liveItem(entry) {
  const o = entry.outcome;
  const open = route().view === 'live' && route().rest[0] === entry.event_id;
  return el(
    'li',
    { 'data-id': entry.id, 'data-event-id': entry.event_id, class: `status-${o.status}` },
    el(
      'details',
      { open },
      el(
        'summary',
        {},
        el('span', { class: 'badge', text: o.status }),
        ` ${liveName(entry)} `,
        el('span', {
          class: 'muted',
          text: `${entry.event_id} · ${new Date(entry.updated_at).toLocaleTimeString()}${o.code ? ` · ${o.code}` : ''}`,
        }),
      ),
      el(
        'p',
        { class: 'links' },
        el('a', { href: `#/live/${encodeURIComponent(entry.event_id)}`, text: 'Link to this event' }),
        entry.integration_id
          ? el('a', { href: `#/log/${encodeURIComponent(entry.integration_id)}`, text: 'Its Delivery Log' })
          : null,
      ),
      entry.input
        ? jsonBlock(entry.input, 'Input (personal data redacted)')
        : el('p', {
            class: 'muted',
            text: 'Input deleted after the retention period (SIGNAL_RAW_RETENTION).',
          }),
      entry.amazon_payload ? jsonBlock(entry.amazon_payload, 'Amazon payload (hashed values only)') : null,
      jsonBlock(o, 'Outcome'),
    ),
  );
}

/** Shows the entries that pass the filters; the empty states say why nothing shows. */
function filterLive() {
  const outcome = $('#live-outcome').value;
  const name = $('#live-name').value.trim().toLowerCase();
  const integration = $('#live-integration').value;
  const id = $('#live-search').value.trim();
  let shown = 0;
  for (const li of document.querySelectorAll('#live-list li')) {
    const entry = state.live.get(li.dataset.id);
    const pass =
      entry &&
      (!outcome || entry.outcome.status === outcome) &&
      (!name || liveName(entry).toLowerCase().includes(name)) &&
      (!integration || entry.integration_id === integration) &&
      (!id || entry.event_id.includes(id));
    li.hidden = !pass;
    if (pass) shown++;
  }
  $('#live-empty').hidden = state.live.size > 0;
  $('#live-none-match').hidden = state.live.size === 0 || shown > 0;
}
for (const id of ['#live-outcome', '#live-name', '#live-integration', '#live-search'])
  $(id).addEventListener('input', filterLive);

function upsertLive(entry) {
  state.live.set(String(entry.id), entry);
  const existing = $(`#live-list li[data-id="${entry.id}"]`);
  const item = liveItem(entry);
  if (existing) {
    item.querySelector('details').open = existing.querySelector('details').open;
    existing.replaceWith(item);
  } else $('#live-list').prepend(item);
  while ($('#live-list').children.length > 200) {
    state.live.delete($('#live-list').lastElementChild.dataset.id);
    $('#live-list').lastElementChild.remove();
  }
  filterLive();
}

/** The Live Events view; with an event id in the route, that event opened and scrolled to. */
function showLive(eventId) {
  filterLive();
  if (!eventId) return;
  const item = $(`#live-list li[data-event-id="${CSS.escape(eventId)}"]`);
  if (item) {
    item.querySelector('details').open = true;
    item.scrollIntoView({ block: 'start' });
  }
}

async function startLive() {
  const { data } = await api('/v1/admin/live-events?limit=100');
  state.live = new Map(data.map((e) => [String(e.id), e]));
  $('#live-list').replaceChildren(...data.map(liveItem));
  filterLive();
  await openStream();
}

/**
 * The live stream. It authenticates with an HttpOnly session cookie: EventSource cannot send the token in a
 * header, and a token in the URL would end up in logs. A stream that was cut (it fell 1 MB behind) EventSource
 * reconnects by itself; one the host refuses (a restart ended the session) is opened with a new session.
 */
async function openStream() {
  await api('/v1/admin/session', { method: 'POST' });
  const source = new EventSource('/v1/admin/live-events/stream');
  source.addEventListener('open', () => ($('#live-state').textContent = 'live'));
  source.addEventListener('error', () => {
    $('#live-state').textContent = 'reconnecting…';
    if (source.readyState === EventSource.CLOSED)
      setTimeout(() => openStream().catch(() => undefined), 3_000);
  });
  source.addEventListener('event', (m) => upsertLive(JSON.parse(m.data)));
  source.addEventListener('delivery', () => {
    if (!$('#view-log').hidden) loadLog();
  });
}

// --- Delivery Log ------------------------------------------------------------------------------------
async function loadLog(integrationId) {
  if (state.integrations.length === 0) await loadIntegrations();
  if (integrationId && state.integrations.some((i) => i.id === integrationId))
    $('#log-integration').value = integrationId;
  const id = $('#log-integration').value;
  $('#log-empty').hidden = true;
  if (!id) return;
  const status = $('#log-status').value;
  const { data } = await api(
    `/v1/admin/integrations/${id}/delivery-log?limit=200${status ? `&status=${status}` : ''}`,
  );
  $('#log-rows').replaceChildren(
    ...data.map((r) =>
      el(
        'tr',
        {},
        el('td', { text: new Date(r.at).toLocaleTimeString() }),
        el('td', { text: r.http_status ?? 'no answer' }),
        el('td', { text: r.events }),
        el('td', { text: r.delivered }),
        el('td', { text: r.rejected }),
        el('td', { text: r.retried }),
        el('td', { text: `${r.latency_ms} ms` }),
        el('td', { text: r.error ?? '' }),
      ),
    ),
  );
  $('#log-empty').hidden = data.length > 0;
  drawChart(data.slice().reverse());
}
$('#log-integration').addEventListener('change', () => loadLog());
$('#log-status').addEventListener('change', () => loadLog());

function drawChart(rows) {
  const svg = $('#log-chart');
  const width = svg.clientWidth || 800;
  const height = 120;
  const max = Math.max(1, ...rows.map((r) => r.events));
  const bar = Math.max(2, Math.min(24, width / Math.max(1, rows.length) - 2));
  svg.replaceChildren();
  rows.forEach((r, i) => {
    let y = height;
    for (const [key, value] of [
      ['delivered', r.delivered],
      ['rejected', r.rejected],
      ['retried', r.retried],
    ]) {
      const h = (value / max) * (height - 10);
      if (h <= 0) continue;
      y -= h;
      const at = new Date(r.at).toLocaleTimeString();
      svg.append(
        svgNode('rect', { x: i * (bar + 2), y, width: bar, height: h, class: key }, `${at}: ${value} ${key}`),
      );
    }
  });
}

/** An SVG element with these attributes and, when given, a title (its tooltip and accessible name). */
function svgNode(tag, attrs, title) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (title) {
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    t.textContent = title;
    node.append(t);
  }
  return node;
}

// --- Match quality -----------------------------------------------------------------------------------
const percent = (share) => `${Math.round(share * 1000) / 10} %`;

/** A labelled bar: the label, the bar (its width the share) and the share as text. */
function shareBar(label, share, cls = '') {
  const fill = el('span', { class: `share-fill ${cls}` });
  // Set through the CSSOM: the page's CSP (default-src 'self') refuses style attributes.
  fill.style.width = `${Math.round(share * 100)}%`;
  return el(
    'div',
    { class: 'share' },
    el('span', { class: 'share-label', text: label }),
    el('span', { class: 'share-track', 'aria-hidden': 'true' }, fill),
    el('span', { class: 'share-value', text: percent(share) }),
  );
}

/**
 * Below this share of Ad Tag pairing, a website event type gets a hint (docs/ad-tag.md); not purchases, which
 * pair by their order id.
 */
const LOW_PAIRING = 0.5;

function qualityCard(name, e, web) {
  const keys = Object.entries(e.match_keys).filter(
    ([k, share]) => share > 0 || k === 'EMAIL' || k === 'PHONE',
  );
  const consent = Object.entries(e.consent).filter(([, share]) => share > 0);
  return el(
    'article',
    { class: 'card quality-card' },
    el(
      'h3',
      {},
      name,
      el(
        'span',
        { class: 'score-box', title: 'How matchable these events are, 0–100 (docs/match-quality.md)' },
        el('span', { class: 'muted score-label', text: 'score ' }),
        el('span', {
          class: `score ${e.score === null ? '' : e.score >= 70 ? 'good' : e.score >= 40 ? 'fair' : 'poor'}`,
          text: e.score === null ? '–' : String(e.score),
        }),
      ),
    ),
    el('p', {
      class: 'muted',
      text: `${e.count} sent · ${e.delivered} delivered · ${e.rejected + e.dead} not delivered · ${e.filtered} filtered · ${e.invalid} invalid · ${e.avg_match_keys} match keys an event`,
    }),
    el('h4', { text: 'Match keys' }),
    ...keys.map(([k, share]) => shareBar(k, share)),
    el('h4', { text: 'Consent sent' }),
    ...(consent.length
      ? consent.map(([c, share]) => shareBar(c.replace('_', ' '), share, `consent-${c}`))
      : [el('p', { class: 'muted', text: 'No event sent.' })]),
    shareBar('limited data use', e.limited_data_use, 'ldu'),
    el('h4', { text: 'Attribution' }),
    shareBar('paired with Ad Tag', e.paired_with_ad_tag),
    shareBar('click token', e.with_click_token),
    ...(web && name !== 'Purchase' && e.count > 0 && e.paired_with_ad_tag < LOW_PAIRING
      ? [
          el('p', {
            class: 'hint',
            text: 'Site runs the Amazon Ad Tag too? Give both one id per conversion (clientDedupeId, properties.amazon_event_id) or Amazon counts it twice: docs/ad-tag.md',
          }),
        ]
      : []),
  );
}

const isWebsite = (id) => state.integrations.find((i) => i.id === id)?.catalog_variant_key === 'default';

async function loadQuality() {
  if (state.integrations.length === 0) await loadIntegrations();
  const id = $('#quality-integration').value;
  if (!id) {
    $('#quality-events').replaceChildren();
    return;
  }
  const q = await api(`/v1/admin/integrations/${id}/match-quality?window=${$('#quality-window').value}`);
  $('#quality-range').textContent =
    `${new Date(q.from).toLocaleString()} – ${new Date(q.to).toLocaleString()}`;
  $('#quality-alerts').replaceChildren(...q.alerts.map((a) => el('li', { class: 'alert', text: a.message })));
  const t = q.totals;
  $('#quality-totals').textContent =
    `${t.transformed} events sent or to send · ${t.delivered} delivered · ${t.rejected} rejected · ${t.dead} dead letters · ${t.filtered} filtered · ${t.invalid} invalid`;
  const events = Object.entries(q.by_event);
  $('#quality-events').replaceChildren(
    ...(events.length
      ? events.map(([name, e]) => qualityCard(name, e, isWebsite(id)))
      : [el('p', { class: 'muted', text: 'No event in this window yet.' })]),
  );
  $('#quality-reasons').replaceChildren(
    ...Object.entries(q.reasons).flatMap(([kind, codes]) =>
      Object.entries(codes).map(([code, n]) =>
        el('tr', {}, el('td', { text: kind }), el('td', { text: code }), el('td', { text: n })),
      ),
    ),
  );
  drawQualityChart(q.hourly);
}
$('#quality-integration').addEventListener('change', () => loadQuality());
$('#quality-window').addEventListener('change', () => loadQuality());

function drawQualityChart(hours) {
  const svg = $('#quality-chart');
  const width = svg.clientWidth || 800;
  const height = 140;
  const max = Math.max(1, ...hours.map((h) => h.transformed));
  const step = width / Math.max(1, hours.length);
  const bar = Math.max(1, step * 0.8);
  svg.replaceChildren();
  const points = [];
  hours.forEach((h, i) => {
    const at = new Date(h.hour).toLocaleString();
    for (const [key, value] of [
      ['transformed', h.transformed],
      ['delivered', h.delivered],
    ]) {
      const bh = (value / max) * (height - 10);
      if (bh > 0)
        svg.append(
          svgNode(
            'rect',
            {
              x: i * step,
              y: height - bh,
              width: key === 'delivered' ? bar / 2 : bar,
              height: bh,
              class: key,
            },
            `${at}: ${value} ${key}`,
          ),
        );
    }
    if (h.score === null) return;
    const [x, y] = [i * step + bar / 2, height - (h.score / 100) * (height - 10)];
    points.push(`${x},${y}`);
    svg.append(svgNode('circle', { cx: x, cy: y, r: 3, class: 'score' }, `${at}: score ${h.score}`));
  });
  if (points.length > 1)
    svg.append(svgNode('polyline', { points: points.join(' '), class: 'score' }, 'score per hour'));
}

// --- Dead letters ------------------------------------------------------------------------------------
async function loadDead() {
  if (state.integrations.length === 0) await loadIntegrations();
  const id = $('#dead-integration').value;
  $('#dead-empty').hidden = true;
  $('#replay').disabled = true;
  if (!id) return;
  const { data } = await api(`/v1/admin/integrations/${id}/dead-letters?limit=500`);
  $('#dead-rows').replaceChildren(
    ...data.map((d) =>
      el(
        'tr',
        {},
        el('td', { text: d.id }),
        el('td', { text: d.event_id }),
        el('td', { text: d.attempts }),
        el('td', { text: d.code }),
        el('td', { text: d.reason }),
      ),
    ),
  );
  $('#replay').disabled = data.length === 0;
  $('#dead-empty').hidden = data.length > 0;
}
$('#dead-integration').addEventListener('change', () => loadDead());
$('#replay').addEventListener('click', async () => {
  const { replayed } = await api(
    `/v1/admin/integrations/${$('#dead-integration').value}/dead-letters/replay`,
    { method: 'POST', body: {} },
  );
  $('#replay-result').textContent = `${replayed} replayed`;
  loadDead();
});

// --- start -------------------------------------------------------------------------------------------
async function start() {
  const { data } = await api('/v1/admin/integration-catalog');
  state.catalog = data;
  $('#category-filter').replaceChildren(
    el('option', { value: '', text: 'All' }),
    ...[...new Set(data.map((c) => c.category))].map((c) =>
      el('option', { value: c, text: c[0].toUpperCase() + c.slice(1) }),
    ),
  );
  renderCatalog();
  await loadIntegrations();
  await startLive();
  await show();
}
if (state.token) start().catch(() => askForToken());
else askForToken();
