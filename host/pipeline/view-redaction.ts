/**
 * What Live Events shows of a raw event: an allowlist. Only values at these paths are shown as they came (what
 * the event is, its ids, amounts, currency, product fields, times, page and consent context), and even those
 * with e-mail addresses and phone numbers inside them masked; every other value is `[REDACTED]`, whatever its
 * key is called. The blueprint's match key sources are hidden even where the allowlist would show them.
 * Segments are compared in lower case without `_` and `-` (`transaction_id` = `transactionId`); `*` is any key
 * or array index.
 */
const SHOWN = [
  'type',
  'event',
  'name',
  'messageid',
  'timestamp',
  'originaltimestamp',
  'receivedat',
  'sentat',
  'channel',
  'properties.transactionid',
  'properties.orderid',
  'properties.checkoutid',
  'properties.cartid',
  'properties.value',
  'properties.revenue',
  'properties.total',
  'properties.subtotal',
  'properties.tax',
  'properties.shipping',
  'properties.discount',
  'properties.currency',
  'properties.coupon',
  'properties.affiliation',
  'properties.productid',
  'properties.sku',
  'properties.price',
  'properties.quantity',
  'properties.category',
  'properties.brand',
  'properties.items.*.itemid',
  'properties.items.*.itemname',
  'properties.items.*.itembrand',
  'properties.items.*.itemcategory',
  'properties.items.*.itemvariant',
  'properties.items.*.price',
  'properties.items.*.quantity',
  'properties.products.*.productid',
  'properties.products.*.sku',
  'properties.products.*.brand',
  'properties.products.*.category',
  'properties.products.*.price',
  'properties.products.*.quantity',
  'properties.url',
  'properties.path',
  'properties.title',
  'properties.referrer',
  'properties.search',
  'context.locale',
  'context.timezone',
  'context.gpc',
  'context.page.*',
  'context.campaign.*',
  'context.consent.*',
  'context.consent.canonical.*',
  'context.consent.categories.*',
  'context.os.name',
  'context.os.version',
  'context.library.name',
  'context.library.version',
  'context.app.name',
  'context.app.version',
  'context.device.type',
  'context.device.manufacturer',
  'context.device.model',
].map((path) => path.split('.'));

/** Shown values that are free text (pages, campaigns): phone-number shapes are masked in them too. */
const FREE_TEXT = new Set([
  'url',
  'path',
  'title',
  'referrer',
  'search',
  'name',
  'source',
  'medium',
  'term',
  'content',
]);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** 7 to 15 digits, with the usual separators between them and an optional leading +: a phone number's shape. */
const PHONE = /\+?\d(?:[\s().-]{0,2}\d){6,14}/g;
export const REDACTED = '[REDACTED]';

const normalise = (segment: string): string => segment.toLowerCase().replace(/[-_]/g, '');

function matches(patterns: readonly string[][], path: readonly string[]): boolean {
  return patterns.some((p) => p.length === path.length && p.every((s, i) => s === '*' || s === path[i]));
}

/** A value the allowlist shows, with e-mail and (in free text) phone shapes masked. */
function masked(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value;
  const text = value.replace(EMAIL, '[EMAIL]');
  return FREE_TEXT.has(key) ? text.replace(PHONE, '[PHONE]') : text;
}

/** A deep copy for the view: allowlisted values shown (masked), everything else redacted. */
export function redactForView(value: unknown, hiddenPaths: readonly string[] = []): unknown {
  return viewRedactor(hiddenPaths)(value);
}

/** `redactForView` with the hidden paths parsed once, for many values. */
export function viewRedactor(hiddenPaths: readonly string[]): (value: unknown) => unknown {
  const hidden = hiddenPaths.map((p) => p.split('.').map((s) => (s === '*' ? s : normalise(s))));
  const walk = (v: unknown, path: string[], depth: number): unknown => {
    if (v === null || v === undefined) return v;
    if (depth > 16) return REDACTED;
    if (Array.isArray(v)) return v.map((item) => walk(item, [...path, '*'], depth + 1));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        const key = k.replace(EMAIL, '[EMAIL]');
        out[key] = walk(child, [...path, normalise(k)], depth + 1);
      }
      return out;
    }
    const shown = matches(SHOWN, path) && !matches(hidden, path);
    return shown ? masked(v, path[path.length - 1] ?? '') : REDACTED;
  };
  return (value) => walk(value, [], 0);
}
