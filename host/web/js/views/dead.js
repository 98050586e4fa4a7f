// Dead letters: when each gave up, a link to its event, its reason, and replay one or all.
import { api } from '../api.js';
import { $, dateTimeOf, el, enc } from '../dom.js';
import { fillPicker, integrationLabel, integrationById, loadIntegrations } from '../integrations.js';
import { dataTable, notify } from '../widgets/table.js';

async function replay(id, ids) {
  const { replayed } = await api(`/v1/admin/integrations/${enc(id)}/dead-letters/replay`, {
    method: 'POST',
    body: ids ? { ids } : {},
    what: 'Replaying dead letters',
  });
  notify(
    `${replayed} dead letter${replayed === 1 ? '' : 's'} of ${integrationLabel(integrationById(id))} put back on the queue.`,
  );
  await showDead([id]);
}

export async function showDead([wanted]) {
  await loadIntegrations();
  const id = fillPicker($('#dead-integration'), { wanted });
  $('#dead-body').hidden = !id;
  $('#dead-none').hidden = Boolean(id);
  $('#replay').disabled = true;
  if (!id) return;
  const { data } = await api(`/v1/admin/integrations/${enc(id)}/dead-letters?limit=500`, {
    what: 'Loading the dead letters',
  });
  $('#dead-table').replaceChildren(
    dataTable(
      'Dead letters',
      ['Gave up at', 'Event', 'Attempts', 'Reason', ''],
      data.map((d) => [
        dateTimeOf(d.updated_at),
        el('a', { href: `#/live/${enc(d.event_id)}`, text: d.event_id }),
        d.attempts,
        el('span', {}, el('strong', { text: d.code ?? '' }), d.reason ? ` ${d.reason}` : ''),
        el('button', {
          type: 'button',
          class: 'secondary',
          text: 'Replay',
          'aria-label': `Replay ${d.event_id}`,
          onclick: () => replay(id, [d.id]),
        }),
      ]),
      'No dead letters: nothing is waiting to be replayed.',
    ),
  );
  $('#replay').disabled = data.length === 0;
}

export function initDead() {
  $('#dead-integration').addEventListener(
    'change',
    () => (location.hash = `#/dead/${enc($('#dead-integration').value)}`),
  );
  $('#replay').addEventListener('click', () => replay($('#dead-integration').value));
}
