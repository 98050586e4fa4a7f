// Match quality: per Amazon event type the score and its label, a bar per match key, consent, attribution,
// what to send to raise the score, an hourly chart, alerts and reasons.
import { api } from '../api.js';
import { $, dateTimeOf, el, enc, percent } from '../dom.js';
import { fillPicker, integrationById, loadIntegrations } from '../integrations.js';
import { timeChart } from '../widgets/chart.js';
import { dataTable } from '../widgets/table.js';

const HOUR_MS = 3_600_000;
/** Below this share of Ad Tag pairing, a website event type gets a hint (docs/ad-tag.md); not purchases. */
const LOW_PAIRING = 0.5;

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

function recommendation(e) {
  const r = e.recommendation;
  if (!r) return null;
  return el(
    'p',
    { class: 'recommendation' },
    el('strong', { text: 'To raise the score: ' }),
    `send ${r.label} with these events (${percent(r.coverage)} carry it now): the score would reach ${r.score} (${r.rating}).`,
  );
}

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
          class: `score ${e.rating ? e.rating.toLowerCase() : ''}`,
          text: e.score === null ? '–' : String(e.score),
        }),
        e.rating ? el('span', { class: `rating ${e.rating.toLowerCase()}`, text: e.rating }) : null,
      ),
    ),
    el('p', {
      class: 'muted',
      // Sent events with no final outcome yet (queued or retrying) are named, so the figures add up.
      text: `${e.count} sent · ${e.delivered} delivered · ${e.rejected + e.dead} not delivered · ${Math.max(0, e.count - e.delivered - e.rejected - e.dead)} waiting or retrying · ${e.filtered} filtered · ${e.invalid} invalid · ${e.avg_match_keys} match keys an event`,
    }),
    recommendation(e),
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

export async function showQuality([wanted]) {
  await loadIntegrations();
  const id = fillPicker($('#quality-integration'), { wanted });
  $('#quality-body').hidden = !id;
  $('#quality-none').hidden = Boolean(id);
  if (!id) return;
  const q = await api(
    `/v1/admin/integrations/${enc(id)}/match-quality?window=${$('#quality-window').value}`,
    { what: 'Loading match quality' },
  );
  $('#quality-range').textContent = `${dateTimeOf(q.from)} – ${dateTimeOf(q.to)}`;
  $('#quality-alerts').replaceChildren(...q.alerts.map((a) => el('li', { class: 'alert', text: a.message })));
  $('#quality-alerts').hidden = q.alerts.length === 0;
  const t = q.totals;
  $('#quality-totals').textContent =
    `${t.transformed} events sent or to send · ${t.delivered} delivered · ${t.rejected} rejected · ${t.dead} dead letters · ${t.filtered} filtered · ${t.invalid} invalid`;
  const events = Object.entries(q.by_event);
  const web = integrationById(id)?.catalog_variant_key === 'default';
  $('#quality-events').replaceChildren(
    ...(events.length
      ? events.map(([name, e]) => qualityCard(name, e, web))
      : [
          el('p', {
            class: 'empty',
            text: 'No event in this window yet: send one and it shows here within a second.',
          }),
        ]),
  );
  const buckets = q.hourly.map((h) => ({
    at: h.hour,
    delivered: h.delivered,
    failed: h.rejected + h.dead,
    left_out: h.filtered + h.invalid,
    score: h.score,
  }));
  $('#quality-chart').replaceChildren(
    timeChart({
      title: 'Events per hour with the score',
      buckets,
      bucketMs: HOUR_MS,
      bars: [
        { key: 'delivered', label: 'delivered' },
        { key: 'failed', label: 'rejected or dead' },
        { key: 'left_out', label: 'filtered or invalid' },
      ],
      line: { key: 'score', label: 'score' },
      unit: 'events per hour (UTC hours, shown in your time zone)',
      width: $('#quality-chart').clientWidth,
    }),
  );
  const reasons = Object.entries(q.reasons).flatMap(([kind, codes]) =>
    Object.entries(codes).map(([code, n]) => [kind, code, n]),
  );
  $('#quality-reasons').replaceChildren(
    dataTable(
      'Reasons',
      ['Outcome', 'Code', 'Events'],
      reasons,
      'No event was filtered, invalid, rejected or dead in this window.',
    ),
  );
}

export function initQuality(reshow) {
  $('#quality-integration').addEventListener(
    'change',
    () => (location.hash = `#/quality/${enc($('#quality-integration').value)}`),
  );
  $('#quality-window').addEventListener('change', reshow);
}
