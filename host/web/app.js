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
  live: [],
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

// --- views -------------------------------------------------------------------------------------------
function show(view) {
  for (const section of document.querySelectorAll('main > section'))
    section.hidden = section.id !== `view-${view}`;
  for (const b of document.querySelectorAll('nav button'))
    b.toggleAttribute('aria-current', b.dataset.view === view);
  if (view === 'installed') loadIntegrations();
  if (view === 'log') loadLog();
  if (view === 'dead') loadDead();
}
for (const b of document.querySelectorAll('nav button'))
  b.addEventListener('click', () => show(b.dataset.view));

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
  const common = {
    id,
    name: field.key,
    'aria-describedby': `${id}-help ${id}-error`,
    required: field.required,
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
      field.required ? el('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    input,
    el('small', { id: `${id}-help`, class: 'muted', text: field.help_text ?? '' }),
    el('small', { id: `${id}-error`, class: 'error field-error', role: 'alert' }),
  );
}

function openInstall(entry, existing) {
  state.editing = existing ?? null;
  $('#install-title').textContent = existing ? `Edit ${existing.name}` : `Install ${entry.name}`;
  $('#install-description').textContent = entry.description;
  $('#install-submit').textContent = existing ? 'Save (new revision)' : 'Install';
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
  $('#config-fields').replaceChildren(
    ...entry.config_fields.map((f) => fieldControl(f, entry.config_schema, config[f.key])),
  );
  $('#install-error').textContent = '';
  $('#install-hint').textContent = '';
  $('#install-dialog').showModal();
}
$('#install-cancel').addEventListener('click', () => $('#install-dialog').close());

function readConfig(entry) {
  const config = {};
  for (const f of entry.config_fields) {
    const input = document.getElementById(`field-${f.key}`);
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
    show('installed');
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
async function loadIntegrations() {
  state.integrations = (await api('/v1/admin/integrations?limit=500')).data;
  $('#installed-rows').replaceChildren(
    ...state.integrations.map((i) =>
      el(
        'tr',
        {},
        el('td', { text: i.name }),
        el('td', { text: i.catalog_variant_key }),
        el('td', { text: i.installation.region }),
        el('td', {
          text: `${i.installation.advertiser.name ?? ''} ${i.installation.advertiser.accountId}`.trim(),
        }),
        el('td', { text: i.needs_reconnect ? 'reconnect needed' : i.enabled ? 'enabled' : 'disabled' }),
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
              loadIntegrations();
            },
          }),
        ),
        el(
          'td',
          {},
          el('button', {
            type: 'button',
            onclick: () => openInstall(state.catalog[0], i),
            text: 'Edit config',
          }),
        ),
      ),
    ),
  );
  for (const select of [$('#log-integration'), $('#dead-integration')]) {
    const current = select.value;
    select.replaceChildren(
      ...state.integrations.map((i) =>
        el('option', { value: i.id, text: i.name, selected: i.id === current }),
      ),
    );
  }
}

// --- Live Events -------------------------------------------------------------------------------------
function liveItem(entry) {
  const o = entry.outcome;
  return el(
    'li',
    { 'data-id': entry.id, class: `status-${o.status}` },
    el(
      'details',
      {},
      el(
        'summary',
        {},
        el('span', { class: 'badge', text: o.status }),
        ` ${entry.input ? (entry.input.event ?? entry.input.name ?? entry.input.type) : (entry.amazon_payload?.eventDescription?.name ?? '')} `,
        el('span', {
          class: 'muted',
          text: `${entry.event_id} · ${new Date(entry.updated_at).toLocaleTimeString()}${o.code ? ` · ${o.code}` : ''}`,
        }),
      ),
      el('h4', { text: 'Input (personal data redacted)' }),
      el('pre', {
        text: entry.input
          ? JSON.stringify(entry.input, null, 2)
          : 'Deleted after the retention period (SIGNAL_RAW_RETENTION).',
      }),
      el('h4', { text: 'Amazon payload (hashed values only)' }),
      el('pre', { text: JSON.stringify(entry.amazon_payload, null, 2) }),
      el('h4', { text: 'Outcome' }),
      el('pre', { text: JSON.stringify(o, null, 2) }),
    ),
  );
}
function upsertLive(entry) {
  const existing = $(`#live-list li[data-id="${entry.id}"]`);
  const item = liveItem(entry);
  if (existing) {
    item.querySelector('details').open = existing.querySelector('details').open;
    existing.replaceWith(item);
  } else $('#live-list').prepend(item);
  while ($('#live-list').children.length > 200) $('#live-list').lastElementChild.remove();
}
async function startLive() {
  const { data } = await api('/v1/admin/live-events?limit=100');
  $('#live-list').replaceChildren(...data.map(liveItem));
  const source = new EventSource(`/v1/admin/live-events/stream?token=${encodeURIComponent(state.token)}`);
  source.addEventListener('open', () => ($('#live-state').textContent = 'live'));
  source.addEventListener('error', () => ($('#live-state').textContent = 'reconnecting…'));
  source.addEventListener('event', (m) => upsertLive(JSON.parse(m.data)));
  source.addEventListener('delivery', () => {
    if (!$('#view-log').hidden) loadLog();
  });
}

// --- Delivery Log ------------------------------------------------------------------------------------
async function loadLog() {
  if (state.integrations.length === 0) await loadIntegrations();
  const id = $('#log-integration').value;
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
  drawChart(data.slice().reverse());
}
$('#log-integration').addEventListener('change', loadLog);
$('#log-status').addEventListener('change', loadLog);

function drawChart(rows) {
  const svg = $('#log-chart');
  const width = svg.clientWidth || 800;
  const height = 120;
  const max = Math.max(1, ...rows.map((r) => r.events));
  const bar = Math.max(2, Math.min(24, width / Math.max(1, rows.length) - 2));
  const ns = 'http://www.w3.org/2000/svg';
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
      const rect = document.createElementNS(ns, 'rect');
      for (const [k, v] of Object.entries({ x: i * (bar + 2), y, width: bar, height: h, class: key }))
        rect.setAttribute(k, String(v));
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${new Date(r.at).toLocaleTimeString()}: ${value} ${key}`;
      rect.append(title);
      svg.append(rect);
    }
  });
}

// --- Dead letters ------------------------------------------------------------------------------------
async function loadDead() {
  if (state.integrations.length === 0) await loadIntegrations();
  const id = $('#dead-integration').value;
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
}
$('#dead-integration').addEventListener('change', loadDead);
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
}
if (state.token) start().catch(() => askForToken());
else askForToken();
