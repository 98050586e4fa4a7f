// JSON folded in a <details>, its keys, strings and numbers highlighted (built as text nodes), with a copy button.
import { el } from '../dom.js';

/** A JSON string (a key when a colon follows), a number, or true / false / null. */
const JSON_TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

export function jsonBlock(value, summary = 'JSON', open = true) {
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
    class: 'copy secondary',
    text: 'Copy',
    onclick: async () => {
      await navigator.clipboard?.writeText(text).catch(() => {});
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    },
  });
  // The copy button sits beside the JSON, not in the summary: a control inside a summary is not reachable.
  return el('details', { class: 'json-block', open }, el('summary', {}, summary), copy, pre);
}
