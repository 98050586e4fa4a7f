// An integration's own page: what it is, token health, its actions, the delivery funnel and recent events.
import { api } from '../api.js';
import { $, dateTimeOf, el, enc, statusWord, timeOf } from '../dom.js';
import {
  advertiserText,
  integrationById,
  loadIntegrations,
  statusText,
  tokenHealth,
  unverifiedBadge,
  variantName,
} from '../integrations.js';
import { jsonBlock } from '../widgets/json-block.js';
import { dataTable } from '../widgets/table.js';
import { integrationActions } from './installed.js';
import { liveName, readableReason } from './live.js';

const STAGES = [
  ['received', 'Received', 'events that reached the integration'],
  ['filtered', 'Filtered', 'left out on purpose (consent, not mapped, switched off)'],
  ['invalid', 'Invalid', 'could not be turned into an Amazon event'],
  ['sent', 'Sent to Amazon', 'turned into Amazon events'],
  ['delivered', 'Delivered', 'Amazon took them'],
  ['rejected', 'Rejected', 'Amazon refused them'],
  ['retrying', 'Retrying', 'waiting for another attempt'],
  ['dead', 'Dead letters', 'gave up: fix, then replay'],
  ['waiting', 'Waiting', 'queued or on the way'],
];

export async function showIntegrationPage(id) {
  await loadIntegrations();
  const i = integrationById(id);
  const root = $('#integration-page');
  if (!i) {
    root.replaceChildren(
      el(
        'p',
        { class: 'empty' },
        `No integration ${id}: it may have been deleted. `,
        el('a', { href: '#/integrations/installed', text: 'Back to Installed' }),
      ),
    );
    return;
  }
  const windowSelect = el(
    'select',
    { id: 'funnel-window', onchange: () => loadFunnel(i.id, windowSelect.value) },
    ...[
      ['1h', 'Last hour'],
      ['24h', 'Last 24 hours'],
      ['7d', 'Last 7 days'],
      ['30d', 'Last 30 days'],
    ].map(([v, t]) => el('option', { value: v, text: t, selected: v === '24h' })),
  );
  root.replaceChildren(
    el(
      'article',
      { class: 'card detail', 'aria-labelledby': 'detail-title' },
      el('p', {}, el('a', { href: '#/integrations/installed', text: '← Installed' })),
      el('h3', { id: 'detail-title', text: i.name }),
      el(
        'dl',
        {},
        ...[
          ['Variant', variantName(i.catalog_variant_key)],
          ['Status', statusText(i)],
          ['Token', tokenHealth(i.auth)],
          ['Region', i.installation.region],
          ['Advertiser', [advertiserText(i), ...unverifiedBadge(i)]],
          ['Revision', String(i.revision.revision_number ?? '')],
          ['Installed', dateTimeOf(i.created_at)],
          ['Id', i.id],
        ].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, ...[v].flat())]),
      ),
      integrationActions(i, () => showIntegrationPage(i.id)),
      el(
        'p',
        { class: 'links' },
        el('a', { href: `#/log/${enc(i.id)}`, text: 'Its Delivery Log' }),
        el('a', { href: `#/quality/${enc(i.id)}`, text: 'Its match quality' }),
        el('a', { href: `#/dead/${enc(i.id)}`, text: 'Its dead letters' }),
      ),
    ),
    el(
      'div',
      { class: 'card' },
      el('h3', { id: 'funnel-title', text: 'Delivery funnel' }),
      el('div', { class: 'toolbar' }, el('label', {}, 'Window', windowSelect)),
      el('div', { id: 'funnel' }),
    ),
    el(
      'div',
      { class: 'card' },
      el('h3', { id: 'recent-title', text: 'Recent events' }),
      el('div', { id: 'recent-events' }),
    ),
    el(
      'div',
      { class: 'card' },
      el('h3', { id: 'config-title', text: 'Config (secrets hidden)' }),
      jsonBlock(i.revision.config, 'Config', false),
    ),
  );
  await Promise.all([loadFunnel(i.id, '24h'), loadRecent(i.id)]);
}

async function loadFunnel(id, window) {
  const f = await api(`/v1/admin/integrations/${enc(id)}/funnel?window=${window}`, {
    what: 'Loading the delivery funnel',
  });
  const box = $('#funnel');
  if (f.received === 0) {
    box.replaceChildren(
      el('p', { class: 'empty', text: 'No event reached this integration in this window.' }),
    );
    return;
  }
  const max = Math.max(1, f.received);
  box.replaceChildren(
    el(
      'ol',
      { class: 'funnel' },
      ...STAGES.filter(([key]) => key === 'received' || key === 'sent' || f[key] > 0).map(
        ([key, label, what]) => {
          const fill = el('span', { class: `share-fill funnel-${key}` });
          fill.style.width = `${Math.round((f[key] / max) * 100)}%`;
          return el(
            'li',
            { class: `stage stage-${key}` },
            el(
              'span',
              { class: 'stage-label' },
              el('strong', { text: label }),
              el('small', { class: 'muted', text: ` ${what}` }),
            ),
            el('span', { class: 'share-track', 'aria-hidden': 'true' }, fill),
            el('span', { class: 'stage-count', text: String(f[key]) }),
          );
        },
      ),
    ),
    el('h4', { text: 'Top reasons' }),
    dataTable(
      'Top reasons',
      ['Stage', 'Reason', 'Events', 'Sample event'],
      f.reasons.map((r) => [
        r.stage,
        `${r.code}${r.message ? `: ${r.message}` : ''}`,
        r.count,
        el('a', { href: `#/live/${enc(r.sample_event_id)}`, text: r.sample_event_id }),
      ]),
      'Nothing was filtered, invalid, rejected or dead in this window.',
    ),
  );
}

async function loadRecent(id) {
  const { data } = await api(`/v1/admin/live-events?limit=10&integration_id=${enc(id)}`, {
    what: 'Loading recent events',
  });
  $('#recent-events').replaceChildren(
    dataTable(
      'Recent events',
      ['Time', 'Event', 'Event id', 'Outcome', 'Reason'],
      data.map((e) => [
        timeOf(e.updated_at),
        liveName(e),
        el('a', { href: `#/live/${enc(e.event_id)}`, text: e.event_id }),
        statusWord(e.outcome),
        readableReason(e.outcome),
      ]),
      'No event yet for this integration.',
    ),
  );
}
