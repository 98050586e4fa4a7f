// Small DOM helpers every module uses: no framework, elements built as nodes (never as HTML text).

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** An element with attributes (`text` sets its text, `on…` adds a listener) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || v === null) continue;
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

/** An SVG element with these attributes and, when given, a title (its tooltip). */
export function svg(tag, attrs = {}, title) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (title) {
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    t.textContent = title;
    node.append(t);
  }
  return node;
}

export const percent = (share) => `${Math.round(share * 1000) / 10} %`;
export const timeOf = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const dateTimeOf = (iso) =>
  new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
export const enc = encodeURIComponent;

/** An empty state: one message (text or nodes), shown where the content would be. */
export const emptyNote = (...message) => el('p', { class: 'empty' }, ...message);

/**
 * An outcome's status in the console's words: a delivery queued again after an attempt is "retrying" (as the
 * funnel says); "queued" is kept for one never attempted.
 */
export const statusWord = (outcome) =>
  outcome.status === 'queued' && outcome.attempts > 0 ? 'retrying' : outcome.status;
