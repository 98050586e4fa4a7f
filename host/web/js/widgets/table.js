// Tables and confirmations shared by the views.
import { $, el } from '../dom.js';

/**
 * A scrollable table (a labelled region, so the keyboard reaches it) with `headers` and `rows` (arrays of
 * cells: text or nodes); with no rows, `empty` is shown in its place, never bare headers. On a phone each row
 * is a card: every cell carries its column's name (`data-label`) for the stylesheet to show beside it.
 */
export function dataTable(label, headers, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'empty', text: empty });
  return el(
    'div',
    { class: 'table-wrap cards-on-phone', tabindex: '0', role: 'region', 'aria-label': label },
    el(
      'table',
      { role: 'table' },
      el(
        'thead',
        {},
        el('tr', { role: 'row' }, ...headers.map((h) => el('th', { role: 'columnheader', text: h }))),
      ),
      el(
        'tbody',
        {},
        ...rows.map((cells) =>
          el(
            'tr',
            { role: 'row' },
            ...cells.map((c, i) =>
              c?.nodeType
                ? el('td', { role: 'cell', 'data-label': headers[i] }, c)
                : el('td', { role: 'cell', 'data-label': headers[i], text: String(c ?? '') }),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Asks in the page's confirmation dialog; resolves true when the operator clicks `action`. Cancel, Escape or
 * a click outside resolve false.
 */
export function confirmDialog({ title, text, action, danger = false }) {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  const ok = $('#confirm-ok');
  ok.textContent = action;
  ok.className = danger ? 'danger' : 'primary';
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }),
  );
}

/** The view a note belongs to: it shows there, under the view's heading, and goes when another view opens. */
let noteView = '';
export const viewOf = (hash) => hash.replace(/^#\/?/, '').split('/')[0] || 'integrations';

/**
 * A short note (a reconnect that worked, a replay), read out by screen readers: in the page's flow under the
 * heading of `view` (the one shown unless told), so it never covers what the view shows.
 */
export function notify(message, view = viewOf(location.hash)) {
  const note = $('#app-note');
  note.querySelector('span').textContent = message;
  noteView = view;
  note.hidden = false;
  placeNote(view);
}

/** After a view is shown: its note under its heading, any other view's note gone. */
export function placeNote(view) {
  const note = $('#app-note');
  if (noteView !== view) {
    note.hidden = true;
    noteView = '';
    return;
  }
  const heading = $(`#view-${view} h2`);
  if (heading && note.previousElementSibling !== heading) heading.after(note);
}
