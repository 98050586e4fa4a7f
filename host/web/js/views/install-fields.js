// The install form's controls, built from the catalog entry (manifest config_fields + config schema) and the
// layout file (install-layout.json: groups, order and the operator's words).
import { $, $$, el } from '../dom.js';

/** One form control for a config field; `editing` an integration, a blank secret keeps the stored one. */
export function fieldControl(field, place, { schema, value, editing, connected }) {
  const id = `field-${field.key}`;
  const prop = schema.properties[field.key] ?? {};
  const keepsSecret = field.type === 'secret' && editing;
  const required =
    (field.required || (place.required_without && !connected)) &&
    !keepsSecret &&
    !editing?.revision.config[place.required_without];
  const common = { id, name: field.key, 'aria-describedby': `${id}-help ${id}-error`, required };
  let input;
  if (field.key === 'custom_events') return customEventsControl(place, value);
  if (field.options) {
    input = el(
      'select',
      common,
      el('option', { value: '', text: place.empty_option ?? 'Not set' }),
      ...field.options.map((o) =>
        el('option', { value: o, text: place.option_labels?.[o] ?? o, selected: value === o }),
      ),
    );
  } else if (field.type === 'boolean') {
    input = el('input', { ...common, type: 'checkbox', checked: value === true });
  } else {
    input = el('input', {
      ...common,
      type: field.type === 'secret' ? 'password' : field.type === 'number' ? 'number' : 'text',
      autocomplete: field.type === 'secret' ? 'new-password' : 'off',
      min: prop.minimum,
      max: prop.maximum,
    });
    // Secrets are never echoed back: an edit leaves them empty, and empty keeps the stored one.
    if (value !== undefined && field.type !== 'secret') input.value = String(value);
  }
  const help = place.help ?? field.help_text ?? '';
  return el(
    'div',
    { class: `field${field.type === 'boolean' ? ' check' : ''}` },
    el(
      'label',
      { for: id },
      field.label,
      required ? el('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    input,
    el('small', {
      id: `${id}-help`,
      class: 'muted',
      text: keepsSecret ? `Leave blank to keep the stored secret. ${help}`.trim() : help,
    }),
    el('small', { id: `${id}-error`, class: 'error field-error', role: 'alert' }),
  );
}

let conversionTypes = [];

/** Custom events as rows (your event → Amazon event, conversion type), with raw JSON as a fallback. */
function customEventsControl(place, value) {
  const entries = Object.entries(value ?? {});
  // Rows say name, Amazon name and type; anything more (aliases, mappings) is edited as JSON.
  const simple = entries.every(([, e]) =>
    Object.keys(e).every((k) => ['vendor_event_name', 'conversion_type', 'enabled'].includes(k)),
  );
  const rows = el('div', { class: 'event-rows', id: 'custom-event-rows' });
  const add = (name = '', e = {}) => rows.append(customEventRow(name, e));
  if (simple) for (const [name, e] of entries) add(name, e);
  const json = el('textarea', {
    id: 'field-custom_events',
    name: 'custom_events',
    rows: 5,
    'aria-describedby': 'field-custom_events-help field-custom_events-error',
  });
  if (!simple) json.value = JSON.stringify(value, null, 2);
  return el(
    'div',
    { class: 'field custom-events' },
    el('small', { id: 'field-custom_events-help', class: 'muted', text: place.help ?? '' }),
    rows,
    el('button', { type: 'button', class: 'secondary', text: 'Add an event', onclick: () => add() }),
    el(
      'details',
      { id: 'custom-events-json', open: !simple },
      el('summary', { text: 'Edit as JSON instead (aliases, own mappings)' }),
      el('label', { for: 'field-custom_events', text: 'Custom events as JSON' }),
      json,
    ),
    el('small', { id: 'field-custom_events-error', class: 'error field-error', role: 'alert' }),
  );
}

function customEventRow(name, e) {
  const n = $$('.event-row').length + Date.now();
  const row = el(
    'div',
    { class: 'event-row' },
    el(
      'label',
      {},
      'Your event',
      el('input', {
        type: 'text',
        class: 'ce-name',
        value: name,
        'aria-label': 'Your event name',
        id: `ce-name-${n}`,
      }),
    ),
    el(
      'label',
      {},
      'Amazon event',
      el('input', {
        type: 'text',
        class: 'ce-vendor',
        value: e.vendor_event_name ?? '',
        'aria-label': 'Amazon event name',
        id: `ce-vendor-${n}`,
      }),
    ),
    el(
      'label',
      {},
      'Conversion type',
      el(
        'select',
        { class: 'ce-type', 'aria-label': 'Conversion type', id: `ce-type-${n}` },
        ...conversionTypes.map(([v, label]) =>
          el('option', { value: v, text: label, selected: v === (e.conversion_type ?? 'OTHER') }),
        ),
      ),
    ),
    el('button', {
      type: 'button',
      class: 'secondary',
      text: 'Remove',
      onclick: () => row.remove(),
      'aria-label': `Remove ${name || 'this event'}`,
    }),
  );
  return row;
}

export function setConversionTypes(types) {
  conversionTypes = types;
}

/** Reads the custom events: the JSON when that editor is open and filled, else the rows; undefined if none. */
export function readCustomEvents() {
  const details = $('#custom-events-json');
  if (!details) return undefined;
  const text = $('#field-custom_events').value.trim();
  if (details.open && text) {
    try {
      return JSON.parse(text);
    } catch {
      throw Object.assign(new Error('not JSON'), {
        fields: [{ field: 'config.custom_events', message: 'is not valid JSON' }],
      });
    }
  }
  const out = {};
  for (const row of $$('.event-row')) {
    const name = $('.ce-name', row).value.trim();
    const vendor = $('.ce-vendor', row).value.trim();
    if (!name && !vendor) continue;
    out[name] = { vendor_event_name: vendor, conversion_type: $('.ce-type', row).value };
  }
  return Object.keys(out).length ? out : undefined;
}
