/**
 * What Live Events may show of a raw event, as data: one row per leaf path, with the shape its value must have
 * to be shown. Everything else is hidden by `redactForView`: a listed leaf whose value has another shape, every
 * leaf not listed, and every key not listed (keys are not shown as sent; they are counted). Free text (titles,
 * search terms, coupons, campaign names, product names) is never listed.
 *
 * Segments are compared in lower case without `_` and `-` (`transaction_id` = `transactionId`); `*` is an
 * array element.
 */

/** The shapes a shown value may have; each is checked by `SHAPES` in `view-shapes.ts`. */
export type Shape =
  /** An event type Signal knows (`track`, `page`, …). */
  | 'type'
  /** An event name: an identifier without spaces (at most 64, few digits), or a name a blueprint maps. */
  | 'event'
  /** An order or product id: letters, digits and `_ . : -`, at most 128, no phone-length digit run. */
  | 'id'
  /** A message id: an id of letters, digits, `_` and `-` only (UUID, ULID, hex). */
  | 'messageId'
  /** A money amount: a number (or numeric text) below a billion. */
  | 'amount'
  /** An ISO 4217 code the runtime knows. */
  | 'currency'
  /** A whole count below a million. */
  | 'quantity'
  /** An ISO 8601 time or date-time, or epoch seconds or milliseconds. */
  | 'time'
  /** A consent flag: a boolean, or granted / denied and their usual spellings. */
  | 'consent'
  /** A URL: shown as its origin and path only, slug-shaped segments kept, others hidden. */
  | 'url'
  /** A URL path: slug-shaped segments kept, others hidden. */
  | 'path'
  /** A locale tag such as `en-US` whose language and region exist. */
  | 'locale'
  /** Where the event was sent from: `server`, `browser`, `client`, `mobile`. */
  | 'channel'
  /** A device type: `ios`, `android`, `web`, … */
  | 'deviceType'
  /** A version such as `2.4.1`. */
  | 'version';

/** Fields that are personal data by their name: shown as present (`[REDACTED]`), never with their value. */
export const PERSONAL = 'personal';

export const VIEW_ALLOWLIST: ReadonlyArray<readonly [path: string, shape: Shape | typeof PERSONAL]> = [
  ['type', 'type'],
  ['event', 'event'],
  ['name', 'event'],
  ['messageId', 'messageId'],
  ['timestamp', 'time'],
  ['originalTimestamp', 'time'],
  ['receivedAt', 'time'],
  ['sentAt', 'time'],
  ['channel', 'channel'],
  ['userId', PERSONAL],
  ['anonymousId', PERSONAL],

  ['properties.transaction_id', 'id'],
  ['properties.order_id', 'id'],
  ['properties.amazon_event_id', 'id'],
  ['properties.checkout_id', 'id'],
  ['properties.cart_id', 'id'],
  ['properties.value', 'amount'],
  ['properties.revenue', 'amount'],
  ['properties.total', 'amount'],
  ['properties.subtotal', 'amount'],
  ['properties.tax', 'amount'],
  ['properties.shipping', 'amount'],
  ['properties.discount', 'amount'],
  ['properties.price', 'amount'],
  ['properties.currency', 'currency'],
  ['properties.quantity', 'quantity'],
  ['properties.product_id', 'id'],
  ['properties.sku', 'id'],
  ['properties.url', 'url'],
  ['properties.path', 'path'],
  ['properties.referrer', 'url'],
  ['properties.items.*.item_id', 'id'],
  ['properties.items.*.price', 'amount'],
  ['properties.items.*.quantity', 'quantity'],
  ['properties.products.*.product_id', 'id'],
  ['properties.products.*.sku', 'id'],
  ['properties.products.*.price', 'amount'],
  ['properties.products.*.quantity', 'quantity'],

  ['traits.email', PERSONAL],
  ['traits.phone', PERSONAL],
  ['traits.name', PERSONAL],
  ['traits.first_name', PERSONAL],
  ['traits.last_name', PERSONAL],
  ['traits.address', PERSONAL],
  ['traits.birthday', PERSONAL],

  ['context.ip', PERSONAL],
  ['context.user_agent', PERSONAL],
  ['context.locale', 'locale'],
  ['context.gpc', 'consent'],
  ['context.page.url', 'url'],
  ['context.page.path', 'path'],
  ['context.page.referrer', 'url'],
  ['context.consent.advertising', 'consent'],
  ['context.consent.marketing', 'consent'],
  ['context.consent.canonical.marketing', 'consent'],
  ['context.consent.canonical.advertising', 'consent'],
  ['context.consent.canonical.analytics', 'consent'],
  ['context.consent.canonical.functional', 'consent'],
  ['context.consent.canonical.necessary', 'consent'],
  ['context.consent.canonical.personalization', 'consent'],
  ['context.device.type', 'deviceType'],
  ['context.device.advertising_id', PERSONAL],
  ['context.os.version', 'version'],
  ['context.library.version', 'version'],
  ['context.app.version', 'version'],
];
