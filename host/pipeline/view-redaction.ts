import { maskPersonalText } from '../../plugin/logging/mask-personal-text.js';
import { PERSONAL, VIEW_ALLOWLIST, type Shape } from './view-allowlist.js';
import { SHAPES } from './view-shapes.js';

/**
 * What Live Events shows of a raw event, built from the allowlist (`view-allowlist.ts`) rather than by hiding
 * what looks personal: a leaf is shown only where its path is listed and its value has the listed shape. A
 * listed leaf of another shape, a personal field and a blueprint's match key source show as `[REDACTED]`; keys
 * that are not listed are never shown as sent, only counted under `[hidden fields]`.
 */
export const REDACTED = '[REDACTED]';
export const HIDDEN_FIELDS = '[hidden fields]';
/** Elements of a listed array shown: the view of an event stays a few kilobytes, whatever the event. */
export const MAX_ITEMS = 50;

/** One level of the allowlist: the keys it lists, or the elements of an array, or the shape of a leaf. */
interface ViewNode {
  keys: Map<string, ViewNode>;
  items?: ViewNode;
  shape?: Shape | typeof PERSONAL;
}

const normalise = (segment: string): string => segment.toLowerCase().replace(/[-_]/g, '');
/** A key shown as sent when listed: ASCII letters and separators only, so it can differ from the list only in case. */
const PLAIN_KEY = /^[a-z_-]{1,64}$/i;

const newNode = (): ViewNode => ({ keys: new Map() });

function buildTree(rows: typeof VIEW_ALLOWLIST): ViewNode {
  const root = newNode();
  for (const [path, shape] of rows) {
    let node = root;
    for (const segment of path.split('.')) {
      if (segment === '*') node = node.items ??= newNode();
      else {
        const key = normalise(segment);
        const next = node.keys.get(key) ?? newNode();
        node.keys.set(key, next);
        node = next;
      }
    }
    node.shape = shape;
  }
  return root;
}

const TREE = buildTree(VIEW_ALLOWLIST);

/** A deep copy for the view: listed values of the listed shape shown, everything else hidden. */
export function redactForView(value: unknown, hiddenPaths: readonly string[] = []): unknown {
  return viewRedactor(hiddenPaths)(value);
}

/**
 * `redactForView` with the hidden paths (where the installed blueprints read personal data) parsed once, for
 * many values. A hidden path hides every leaf at or under it, even where the allowlist would show it.
 */
export function viewRedactor(hiddenPaths: readonly string[]): (value: unknown) => unknown {
  const hidden = hiddenPaths.map((p) =>
    p.split('.').map((s) => (s === '*' || /^\d+$/.test(s) ? '*' : normalise(s))),
  );
  const isHidden = (path: readonly string[]): boolean =>
    hidden.some((p) => p.length <= path.length && p.every((s, i) => s === '*' || s === path[i]));

  const walk = (value: unknown, node: ViewNode, path: string[]): unknown => {
    if (value === null || value === undefined) return value;
    if (node.shape !== undefined) {
      if (node.shape === PERSONAL || isHidden(path)) return REDACTED;
      return SHAPES[node.shape](value) ?? REDACTED;
    }
    if (Array.isArray(value)) {
      const items = node.items;
      if (!items) return REDACTED;
      const shown = value.slice(0, MAX_ITEMS).map((item) => walk(item, items, [...path, '*']));
      return value.length > MAX_ITEMS ? [...shown, `[${value.length - MAX_ITEMS} more]`] : shown;
    }
    if (typeof value !== 'object') return REDACTED;
    const out: Record<string, unknown> = {};
    let unlisted = 0;
    for (const [key, child] of Object.entries(value)) {
      const name = PLAIN_KEY.test(key) ? normalise(key) : '';
      const listed = node.keys.get(name);
      if (listed) out[key] = walk(child, listed, [...path, name]);
      else unlisted++;
    }
    if (unlisted > 0) out[HIDDEN_FIELDS] = unlisted;
    return out;
  };
  return (value) => walk(value, TREE, []);
}

/**
 * An outcome's reason as a view shows it. Reasons are written by the plugin and by Amazon, and some quote what
 * they refused (`No blueprint entry maps "…"`, `Value '…' at '…'`): a quoted text is kept only when it is an
 * event name (`SHAPES.event`), a code in UPPER_SNAKE or a field path of Amazon's request (`events.0.eventTime`).
 * Outside quotes, `maskPersonalText` masks e-mails, IP literals, phone, SSN and card-shaped digit groups and
 * names (`Jane Doe`); codes, field paths and Amazon's constraint wording stay.
 */
export function reasonForView(reason: string | null): string | null {
  if (reason === null) return null;
  let out = '';
  let i = 0;
  while (i < reason.length) {
    const open = nextQuote(reason, i);
    if (open === -1) break;
    const quote = reason[open]!;
    const close = reason.indexOf(quote, open + 1);
    const end = close === -1 ? reason.length : close;
    const quoted = reason.slice(open + 1, end);
    out += maskPersonalText(reason.slice(i, open + 1)) + (quotedShown(quoted) ? quoted : REDACTED);
    if (close === -1) return out;
    out += quote;
    i = close + 1;
  }
  return out + maskPersonalText(reason.slice(i));
}

/** `BAD_REQUEST`, `FIELD_VALUE_IS_INVALID`: Amazon's codes. */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
/** `events.0.eventTime`, `events.1.member.eventId`: a path into Amazon's request, from its `events`. */
const FIELD_PATH = /^events(?:\.(?:\d{1,3}|[A-Za-z][A-Za-z0-9]{0,39})){0,6}$/;

function quotedShown(text: string): boolean {
  return CODE.test(text) || FIELD_PATH.test(text) || SHAPES.event(text) !== undefined;
}

/** The next `"`, or `'` that opens a quote (not an apostrophe inside a word), from `from`. */
function nextQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || (c === "'" && (i === 0 || !/\w/.test(text[i - 1]!)))) return i;
  }
  return -1;
}
