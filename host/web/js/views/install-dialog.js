// The install (and edit) dialog: a name, the variant, Connect with Amazon or the required fields, and the rest
// folded under Advanced in the layout's named groups.
import { api, ApiError } from '../api.js';
import { $, $$, el, enc } from '../dom.js';
import { store, variantName } from '../integrations.js';
import { loadAdvertisers, loadPickers } from './connect-pickers.js';
import { fieldControl, readCustomEvents, setConversionTypes } from './install-fields.js';

/** What the dialog was opened for: the integration edited, the connection installed with. */
const current = { entry: null, editing: null, connection: null, layout: null };
/** The name and variant picked before Connect with Amazon left the page, restored when it comes back. */
const DRAFT_KEY = 'signal-connect-draft';

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
]);

async function layout() {
  if (!current.layout) {
    const response = await fetch('/install-layout.json');
    current.layout = await response.json();
    setConversionTypes(current.layout.conversion_types);
  }
  return current.layout;
}

const pickedVariant = () => new FormData($('#install-form')).get('variant');

/** Opens the dialog to install `entry`, to edit `existing`, or to finish Connect with Amazon (`connectionId`). */
export async function openInstall(entry, existing, connectionId) {
  const l = await layout();
  const draft = connectionId ? JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null') : null;
  // An edit returns where it was opened (the Installed tab or the integration's page); an install to Installed.
  Object.assign(current, {
    entry,
    editing: existing ?? null,
    connection: connectionId ?? null,
    back: existing ? location.hash : '#/integrations/installed',
  });
  $('#install-title').textContent = existing ? `Edit ${existing.name}` : `Install ${entry.name}`;
  $('#install-description').textContent = entry.description;
  $('#install-submit').textContent = existing ? 'Save (new revision)' : 'Install Integration';
  $('#install-name').value = existing?.name ?? draft?.name ?? entry.name;
  const chosen = existing?.catalog_variant_key ?? draft?.variant ?? entry.variants[0].key;
  $('#variant-picker').replaceChildren(
    el('legend', { text: 'Variant' }),
    ...entry.variants.map((v) =>
      el(
        'label',
        { class: 'variant' },
        el('input', {
          type: 'radio',
          name: 'variant',
          value: v.key,
          checked: v.key === chosen,
          onchange: showVariantFields,
        }),
        el('strong', { text: ` ${v.name}` }),
        el('span', { class: 'muted', text: ` — ${v.description}` }),
      ),
    ),
  );
  renderFields(l);
  $('#connect-box').hidden = Boolean(existing || connectionId);
  $('#pickers').hidden = !connectionId;
  $('#install-error').replaceChildren();
  $('#install-hint').textContent = '';
  if (!$('#install-dialog').open) $('#install-dialog').showModal();
  if (connectionId) {
    sessionStorage.removeItem(DRAFT_KEY);
    loadPickers(connectionId).catch((e) => ($('#install-error').textContent = e.message));
  }
}

/**
 * The required fields, then Advanced: each group in a fieldset. Every field is built once; a field some
 * variants do not use is marked with them and hidden for the others (`showVariantFields`), so switching the
 * variant keeps what was typed.
 */
function renderFields(l) {
  const { entry, editing, connection } = current;
  const byKey = new Map(entry.config_fields.map((f) => [f.key, f]));
  const config = editing?.revision.config ?? {};
  const shown = (p) => byKey.has(p.key) && !(connection && CONNECTED_AWAY.has(p.key));
  const control = (p) => {
    const node = fieldControl(byKey.get(p.key), p, {
      schema: entry.config_schema,
      value: config[p.key],
      editing,
      connected: Boolean(connection),
    });
    if (p.variants) node.dataset.variants = p.variants.join(' ');
    return node;
  };
  const groups = l.groups
    .map((g) => ({ ...g, fields: g.fields.filter(shown) }))
    .filter((g) => g.fields.length > 0);
  $('#config-fields').replaceChildren(
    ...l.required.filter(shown).map(control),
    el(
      'details',
      { class: 'advanced', id: 'advanced' },
      el('summary', { text: 'Advanced' }),
      ...groups.map((g) =>
        el(
          'fieldset',
          { class: 'group' },
          el('legend', { text: g.title }),
          g.intro ? el('p', { class: 'muted', text: g.intro }) : null,
          ...g.fields.map(control),
        ),
      ),
    ),
  );
  showVariantFields();
}

/** Hides the fields the picked variant does not use (and a group left empty); they are not sent. */
function showVariantFields() {
  const variant = pickedVariant();
  for (const field of $$('#config-fields [data-variants]'))
    field.hidden = !field.dataset.variants.split(' ').includes(variant);
  for (const group of $$('#config-fields fieldset.group'))
    group.hidden = [...group.querySelectorAll('.field')].every((f) => f.hidden);
}

function readConfig() {
  const { entry, editing, connection } = current;
  const config = connection
    ? {
        connection_id: connection,
        profile_id: $('#pick-profile').value,
        advertiser_id: $('#pick-advertiser').value,
      }
    : {};
  for (const f of entry.config_fields) {
    if (f.key === 'custom_events') {
      const events = readCustomEvents();
      if (events !== undefined) config.custom_events = events;
      else if (editing?.revision.config.custom_events) config.custom_events = null;
      continue;
    }
    const input = document.getElementById(`field-${f.key}`);
    // Not built (a connection sets it) or not used by the variant picked: not sent.
    if (!input || input.closest('[hidden]')) continue;
    if (f.type === 'boolean') config[f.key] = input.checked ? true : editing ? null : undefined;
    else if (input.value.trim() !== '')
      config[f.key] = f.type === 'number' ? Number(input.value) : input.value.trim();
    else if (editing && f.type !== 'secret' && editing.revision.config[f.key] !== undefined)
      config[f.key] = null;
  }
  for (const [k, v] of Object.entries(config)) if (v === undefined) delete config[k];
  return config;
}

const HINTS = { auth_failed: '401', access_denied: '403', not_found: '404', amazon_unavailable: '429' };

/** The label of a config key, and the layout's words for its error when it has some. */
function placeOf(key) {
  const l = current.layout;
  return [...l.required, ...l.groups.flatMap((g) => g.fields)].find((p) => p.key === key);
}

function showFieldErrors(error) {
  const fields = error.fields ?? [];
  const labels = new Map(current.entry.config_fields.map((f) => [f.key, f.label]));
  const listed = [];
  for (const f of fields) {
    const key = f.field.replace(/^config\./, '').split('.')[0];
    const label = key === 'name' ? 'Name' : (labels.get(key) ?? key);
    // The layout's words where it has some: the schema's speak to developers (keys, 2^53).
    const place = f.field === `config.${key}` ? placeOf(key) : undefined;
    const message = /is required/.test(f.message)
      ? (place?.required_error ?? 'is required')
      : (place?.error ?? f.message);
    const small = document.getElementById(`field-${key === 'name' ? 'name' : key}-error`);
    if (small) {
      small.textContent = small.textContent ? `${small.textContent}; ${message}` : message;
      const input = document.getElementById(key === 'name' ? 'install-name' : `field-${key}`);
      input?.setAttribute('aria-invalid', 'true');
      input?.closest('details')?.setAttribute('open', '');
    }
    listed.push(el('li', { text: `${label}: ${message}` }));
  }
  $('#install-error').replaceChildren(
    fields.length ? el('span', { text: 'Fix these fields:' }) : el('span', { text: error.message }),
    ...(fields.length ? [el('ul', {}, ...listed)] : []),
  );
  document.querySelector('#install-form [aria-invalid="true"]')?.focus();
  const hint = current.entry.troubleshooting.find((t) => t.key === HINTS[error.code]);
  if (hint) $('#install-hint').textContent = `${hint.title}: ${hint.message}`;
}

async function submit(e, onDone) {
  e.preventDefault();
  for (const small of $$('.field-error')) small.textContent = '';
  for (const input of $$('#install-form [aria-invalid]')) input.removeAttribute('aria-invalid');
  $('#install-error').replaceChildren();
  $('#install-hint').textContent = '';
  const { entry, editing } = current;
  const variant = pickedVariant();
  const name = $('#install-name').value.trim();
  const missing = missingRequired();
  try {
    // Without a name nothing is sent (the host would name it by default): every missing field is listed.
    if (!name) throw Object.assign(new Error('name'), { fields: missing });
    const config = readConfig();
    if (editing)
      await api(`/v1/admin/integrations/${enc(editing.id)}`, {
        method: 'PATCH',
        body: { name, variant, config },
        what: `Saving ${editing.name}`,
      });
    else
      await api(`/v1/admin/integration-catalog/${enc(entry.key)}/install`, {
        method: 'POST',
        body: { name, variant, config, delivery_mode: 'server_side' },
        what: `Installing ${name}`,
      });
    $('#install-dialog').close();
    await onDone(
      editing ? `${name} saved as a new revision.` : `${name} (${variantName(variant)}) installed.`,
      current.back,
    );
  } catch (error) {
    if (!(error instanceof ApiError) && !error.fields) throw error;
    // The host's answer and what the form found missing, each field once.
    const said = error.fields ?? [];
    const answered = new Set(said.map((f) => f.field));
    const fields = said.length ? [...missing.filter((f) => !answered.has(f.field)), ...said] : [];
    showFieldErrors({ code: error.code, message: error.message, fields });
  }
}

/** Every required field left empty (shown ones only: another variant's are not sent), in the form's order. */
function missingRequired() {
  const fields = [];
  if (!$('#install-name').value.trim()) fields.push({ field: 'name', message: 'is required' });
  for (const input of $$('#config-fields [required]'))
    if (!input.closest('[hidden]') && input.type !== 'checkbox' && input.value.trim() === '')
      fields.push({ field: `config.${input.name}`, message: 'is required' });
  return fields;
}

/** Wires the dialog once; `onDone(note, back)` runs after an install or a save, `back` the view to show. */
export function initInstallDialog(onDone) {
  $('#pick-profile').addEventListener('change', () => loadAdvertisers(current.connection));
  $('#connect-amazon').addEventListener('click', async () => {
    try {
      sessionStorage.setItem(
        DRAFT_KEY,
        JSON.stringify({ variant: pickedVariant(), name: $('#install-name').value.trim() }),
      );
      // Each region's logins sign in on their own Amazon page: ask which before leaving.
      const { authorize_url } = await api('/v1/admin/oauth/amazon/start', {
        method: 'POST',
        body: { region: $('#connect-region').value },
        what: 'Starting Connect with Amazon',
      });
      location.href = authorize_url;
    } catch (error) {
      $('#install-error').textContent = error.message;
    }
  });
  $('#install-cancel').addEventListener('click', () => $('#install-dialog').close());
  $('#install-form').addEventListener('submit', (e) => submit(e, onDone));
}

export const catalogEntry = () => store.catalog[0];
