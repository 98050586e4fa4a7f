// Live Events: the latest events, updating live, with filters; each event's input, Amazon payload and outcome.
import { api } from '../api.js';
import { $, $$, el, enc, statusWord, timeOf } from '../dom.js';
import { fillPicker, integrationName } from '../integrations.js';
import { jsonBlock } from '../widgets/json-block.js';

/** Entries shown, by row id; the open stream (one at a time). */
const live = { entries: new Map(), source: null, onDelivery: () => {} };
const MAX_SHOWN = 200;

export const liveName = (entry) =>
  entry.input
    ? (entry.input.event ?? entry.input.name ?? entry.input.type ?? '')
    : (entry.amazon_payload?.eventDescription?.name ?? '');

const kb = (bytes) => `${Math.ceil(bytes / 1024)} KB`;

/** What stands for a part too large to show: its size and the most Live Events shows. */
export const tooLargeText = (what, { bytes, limit }) =>
  `${what} too large to show here: ${kb(bytes)} (Live Events shows up to ${kb(limit)}).`;

/** The outcome's reason in words (Amazon's or the plugin's), with its code. */
export const readableReason = (o) => (o.code ? `${o.reason ?? ''}${o.reason ? ' ' : ''}(${o.code})` : '');

function liveItem(entry, open) {
  const o = entry.outcome;
  return el(
    'li',
    {
      'data-id': entry.id,
      'data-event-id': entry.event_id,
      class: `status-${statusWord(o)}`,
      id: `event-${entry.id}`,
    },
    el(
      'details',
      { open },
      el(
        'summary',
        {},
        el('span', { class: 'badge', text: statusWord(o) }),
        el('strong', { text: ` ${liveName(entry)} ` }),
        el('span', {
          class: 'integration-name',
          text: integrationName(entry.integration_id) || 'no integration',
        }),
        el('span', { class: 'muted', text: `${entry.event_id} · ${timeOf(entry.updated_at)}` }),
        o.code ? el('span', { class: 'reason', text: readableReason(o) }) : null,
      ),
      el(
        'p',
        { class: 'links' },
        el('a', { href: `#/live/${enc(entry.event_id)}`, text: 'Link to this event' }),
        entry.integration_id
          ? el('a', { href: `#/log/${enc(entry.integration_id)}`, text: 'Its Delivery Log' })
          : null,
        entry.integration_id
          ? el('a', {
              href: `#/integrations/installed/${enc(entry.integration_id)}`,
              text: 'Its integration',
            })
          : null,
      ),
      entry.input
        ? jsonBlock(entry.input, 'Input (personal data redacted)')
        : el('p', {
            class: 'muted',
            text: entry.input_too_large
              ? tooLargeText('Input', entry.input_too_large)
              : 'Input deleted after the retention period (SIGNAL_RAW_RETENTION).',
          }),
      entry.amazon_payload ? jsonBlock(entry.amazon_payload, 'Amazon payload (hashed values only)') : null,
      entry.amazon_payload_too_large
        ? el('p', { class: 'muted', text: tooLargeText('Amazon payload', entry.amazon_payload_too_large) })
        : null,
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
  for (const li of $$('#live-list li')) {
    const entry = live.entries.get(li.dataset.id);
    const pass =
      entry &&
      (!outcome || statusWord(entry.outcome) === outcome) &&
      (!name || liveName(entry).toLowerCase().includes(name)) &&
      (!integration || entry.integration_id === integration) &&
      (!id || entry.event_id.includes(id));
    li.hidden = !pass;
    if (pass) shown++;
  }
  $('#live-empty').hidden = live.entries.size > 0;
  // Nothing to filter yet: the filters wait for the first event.
  $('#view-live .toolbar').hidden = live.entries.size === 0;
  $('#live-none-match').hidden = live.entries.size === 0 || shown > 0;
  $('#live-list').hidden = shown === 0;
}

function upsertLive(entry) {
  live.entries.set(String(entry.id), entry);
  const existing = $(`#live-list li[data-id="${entry.id}"]`);
  const item = liveItem(entry, existing ? existing.querySelector('details').open : false);
  if (existing) existing.replaceWith(item);
  else $('#live-list').prepend(item);
  while ($('#live-list').children.length > MAX_SHOWN) {
    live.entries.delete($('#live-list').lastElementChild.dataset.id);
    $('#live-list').lastElementChild.remove();
  }
  filterLive();
}

/** The Live Events view; with an event id in the route, that event opened and scrolled below the header. */
export async function showLive([eventId]) {
  fillPicker($('#live-integration'), { all: true });
  for (const li of $$('#live-list li')) {
    const entry = live.entries.get(li.dataset.id);
    if (entry)
      li.querySelector('.integration-name').textContent =
        integrationName(entry.integration_id) || 'no integration';
  }
  filterLive();
  if (!eventId) return;
  // One row per integration the event went to: each opened, the first scrolled to (below the sticky header).
  const items = $$(`#live-list li[data-event-id="${CSS.escape(eventId)}"]`);
  for (const item of items) {
    item.hidden = false;
    item.querySelector('details').open = true;
    item.classList.add('target');
  }
  items[0]?.scrollIntoView({ block: 'start' });
}

/**
 * A complete purchase, the one `npm start` prints: an order id (the de-duplication key), value, currency,
 * items, a match key (the email, hashed by the plugin), the locale and marketing consent. The Website variant
 * delivers it as shown.
 */
const SAMPLE_EVENT = {
  event: 'purchase',
  properties: {
    transaction_id: 'T-1001',
    value: 129.99,
    currency: 'USD',
    items: [{ item_id: 'SKU-001', quantity: 1 }],
  },
  traits: { email: 'Jane.Doe@Example.com' },
  context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
};

/** Where the empty state's example sends to: the ingestion URL this host listens on. */
async function showIngestExample() {
  const { ingest_url } = await api('/v1/admin/host', { what: 'Loading the ingestion URL' });
  $('#live-curl').textContent =
    `curl -X POST ${ingest_url}/v1/t -H "Authorization: Bearer YOUR_KEY" \\\n` +
    `  -H "Content-Type: application/json" -d '${JSON.stringify(SAMPLE_EVENT)}'`;
}

/** Loads the latest events and opens the stream; a second call (a new sign-in) closes the old stream first. */
export async function startLive(onDelivery) {
  live.onDelivery = onDelivery;
  live.source?.close();
  live.source = null;
  const { data } = await api('/v1/admin/live-events?limit=100', { what: 'Loading Live Events' });
  live.entries = new Map(data.map((e) => [String(e.id), e]));
  $('#live-list').replaceChildren(...data.map((e) => liveItem(e, false)));
  filterLive();
  await showIngestExample();
  await openStream();
}

/**
 * The live stream. It authenticates with an HttpOnly session cookie: EventSource cannot send the token in a
 * header, and a token in the URL would end up in logs. A stream that was cut (it fell 1 MB behind) EventSource
 * reconnects by itself; one the host refuses (a restart ended the session) is opened with a new session, unless
 * another stream has replaced it meanwhile.
 */
async function openStream() {
  await api('/v1/admin/session', { method: 'POST', what: 'Opening the live stream' });
  live.source?.close();
  const source = (live.source = new EventSource('/v1/admin/live-events/stream'));
  source.addEventListener('open', () => ($('#live-state').textContent = 'live'));
  source.addEventListener('error', () => {
    $('#live-state').textContent = 'reconnecting…';
    if (source.readyState === EventSource.CLOSED)
      setTimeout(() => {
        if (live.source === source) openStream().catch(() => undefined);
      }, 3_000);
  });
  source.addEventListener('event', (m) => upsertLive(JSON.parse(m.data)));
  source.addEventListener('delivery', () => live.onDelivery());
}

export function initLive() {
  for (const id of ['#live-outcome', '#live-name', '#live-integration', '#live-search'])
    $(id).addEventListener('input', filterLive);
}
