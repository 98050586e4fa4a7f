// The Integration Library tab: catalog cards, a category filter and a search.
import { $, el } from '../dom.js';
import { store } from '../integrations.js';
import { openInstall } from './install-dialog.js';

export function renderCatalog() {
  const category = $('#category-filter').value;
  const q = $('#catalog-search').value.trim().toLowerCase();
  const shown = store.catalog.filter(
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
          {
            type: 'button',
            class: 'primary',
            onclick: () => openInstall(c),
            'aria-label': `Install ${c.name}`,
          },
          'Install',
        ),
      ),
    ),
    ...(shown.length === 0 ? [el('p', { class: 'empty', text: 'No integration matches.' })] : []),
  );
}

export function initLibrary() {
  $('#category-filter').replaceChildren(
    el('option', { value: '', text: 'All' }),
    ...[...new Set(store.catalog.map((c) => c.category))].map((c) =>
      el('option', { value: c, text: c[0].toUpperCase() + c.slice(1) }),
    ),
  );
  $('#category-filter').addEventListener('change', renderCatalog);
  $('#catalog-search').addEventListener('input', renderCatalog);
  renderCatalog();
}
