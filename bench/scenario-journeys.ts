/**
 * The journeys `npm run scenarios` plays (bench/scenarios.ts): what visitors do, what the page sends to Signal
 * and to the Amazon Ad Tag, and which true conversions that makes. Plain data built by small functions; the
 * runner plays it through a real host and reads what Amazon (the sandbox) counted.
 */

/** One thing the browser does: an event to Signal's ingestion, or a conversion the Ad Tag records. */
export type Step =
  { server: Record<string, unknown> } | { adTag: { name: string; eventId: string; at: number } };

/** A conversion that really happened, and how Amazon may know it. */
export interface TrueConversion {
  /** Amazon event name (Purchase, DetailPageView…). */
  name: string;
  /** The eventId the server event is sent with (what the blueprint takes). */
  serverEventId: string;
  /** The Ad Tag recorded it too. */
  adTag: boolean;
  /** The visitor came from an Amazon ad click. */
  clicked: boolean;
  /** For the consent scenario: the event's country needs a consent signal and it carries none. */
  mayNotBeSent?: boolean;
}

export interface Scenario {
  name: string;
  /** The installation: the demo advertiser (NA) or the test account's EU profile. */
  install: 'na' | 'eu';
  steps: Step[];
  conversions: TrueConversion[];
  /** The target, in words for the table. */
  target: string;
}

const SHOP = 'https://shop.example';
/** A click token of Amazon's form (`<10 characters>.<epoch ms>`), one per clicked visitor. */
const clickToken = (n: number) => `Clk${String(n).padStart(7, '0')}.${1764583200000 + n * 1000}`;

/** The canonical event a web page sends for a visitor. */
function web(
  v: { id: string; country: string; consent: boolean },
  event: string,
  at: number,
  messageId: string,
  page: string,
  properties: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event,
    messageId,
    anonymousId: v.id,
    timestamp: new Date(at).toISOString(),
    properties,
    traits: { email: `${v.id}@example.com`, address: { country: v.country } },
    context: {
      locale: `en-${v.country}`,
      ip: '203.0.113.42',
      page: { url: page },
      ...(v.consent ? { consent: { canonical: { marketing: true } } } : {}),
    },
  };
}

/** A small seeded generator, so every run plays the same journeys. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A shop visit with the Ad Tag on the page beside Signal: a page view, an add to cart and a purchase, each
 * recorded by the Ad Tag 150 ms before the server event. `paired`: the page gives both the same id (the
 * order id for the purchase); unpaired, the Ad Tag has its own id and Signal's event its messageId.
 */
function adTagVisits(
  visitors: number,
  paired: boolean,
  start: number,
): Pick<Scenario, 'steps' | 'conversions'> {
  const steps: Step[] = [];
  const conversions: TrueConversion[] = [];
  const kinds: Array<[string, string, string]> = [
    ['page_view', 'DetailPageView', 'PageView'],
    ['add_to_cart', 'AddToCart', 'AddToCart'],
    ['purchase', 'Purchase', 'Purchase'],
  ];
  for (let n = 0; n < visitors; n++) {
    const v = { id: `anon-tag-${paired ? 'p' : 'u'}-${n}`, country: 'US', consent: true };
    kinds.forEach(([event, amazonName, tagName], k) => {
      const at = start + n * 60_000 + k * 10_000;
      const messageId = `msg-${v.id}-${k}`;
      const orderId = `ORDER-${v.id}`;
      const pageId = `conv-${v.id}-${k}`;
      const purchase = event === 'purchase';
      const properties: Record<string, unknown> = purchase
        ? { transaction_id: orderId, value: 25 + n, currency: 'USD' }
        : {};
      if (paired && !purchase) properties.amazon_event_id = pageId;
      const tagId = paired ? (purchase ? orderId : pageId) : `tag-${v.id}-${k}`;
      steps.push({ adTag: { name: tagName, eventId: tagId, at: at - 150 } });
      steps.push({ server: web(v, event, at, messageId, `${SHOP}/${event}`, properties) });
      conversions.push({
        name: amazonName,
        serverEventId: purchase ? orderId : paired ? pageId : messageId,
        adTag: true,
        clicked: false,
      });
    });
  }
  return { steps, conversions };
}

/**
 * Visitors from an Amazon ad click (a landing URL with `aref`, 1–3 more pages, a purchase on a thank-you page
 * without it) and organic visitors doing the same without a click. Server side only.
 */
function clickJourneys(
  clicked: number,
  organic: number,
  start: number,
): Pick<Scenario, 'steps' | 'conversions'> {
  const random = seeded(30);
  const steps: Step[] = [];
  const conversions: TrueConversion[] = [];
  for (let n = 0; n < clicked + organic; n++) {
    const fromClick = n < clicked;
    const v = { id: `anon-click-${n}`, country: 'US', consent: true };
    let at = start + n * 120_000;
    let k = 0;
    const page = (url: string, event = 'page_view', properties: Record<string, unknown> = {}) => {
      const messageId = `msg-${v.id}-${k++}`;
      steps.push({ server: web(v, event, (at += 15_000), messageId, url, properties) });
      const purchase = event === 'purchase';
      conversions.push({
        name: purchase ? 'Purchase' : 'DetailPageView',
        serverEventId: purchase ? (properties.transaction_id as string) : messageId,
        adTag: false,
        clicked: fromClick,
      });
    };
    page(fromClick ? `${SHOP}/?utm_source=amazon&aref=${clickToken(n)}` : `${SHOP}/`);
    const pages = 1 + Math.floor(random() * 3);
    for (let p = 0; p < pages; p++) page(`${SHOP}/products/${p}`);
    page(`${SHOP}/thanks`, 'purchase', { transaction_id: `ORDER-${v.id}`, value: 40, currency: 'USD' });
  }
  return { steps, conversions };
}

/** Amazon's tag lists these as needing consent: the EEA (EU members, Norway, Iceland, Liechtenstein) and the UK. */
const CONSENT_COUNTRIES = new Set(['DE', 'FR', 'IT', 'GB', 'NO', 'IS', 'LI']);

/**
 * A store on Amazon's EU host selling worldwide: a purchase from each country, with a consent signal and
 * without. Only the purchases from the consent countries without a signal may stay unsent.
 */
function mixedCountryStore(start: number): Pick<Scenario, 'steps' | 'conversions'> {
  const steps: Step[] = [];
  const conversions: TrueConversion[] = [];
  let n = 0;
  for (const country of ['DE', 'FR', 'IT', 'GB', 'NO', 'IS', 'LI', 'CH', 'US', 'JP'])
    for (const consent of [true, false]) {
      const v = { id: `anon-eu-${n}`, country, consent };
      const orderId = `ORDER-${v.id}`;
      steps.push({
        server: web(v, 'purchase', start + n++ * 30_000, `msg-${v.id}`, `${SHOP}/thanks`, {
          transaction_id: orderId,
          value: 30,
          currency: 'EUR',
        }),
      });
      conversions.push({
        name: 'Purchase',
        serverEventId: orderId,
        adTag: false,
        clicked: false,
        mayNotBeSent: !consent && CONSENT_COUNTRIES.has(country),
      });
    }
  return { steps, conversions };
}

/** The scenarios, their journeys starting `start` (epoch ms, within Amazon's 21 days). */
export function scenarios(start: number): Scenario[] {
  return [
    {
      name: 'Ad Tag + server, paired',
      install: 'na',
      ...adTagVisits(20, true, start),
      target: 'none counted twice',
    },
    {
      name: 'Ad Tag + server, unpaired',
      install: 'na',
      ...adTagVisits(20, false, start),
      target: 'each counted twice (anti-pattern)',
    },
    {
      name: 'click journey',
      install: 'na',
      ...clickJourneys(20, 5, start),
      target: 'every clicked purchase has the token',
    },
    {
      name: 'mixed-country EU-host store',
      install: 'eu',
      ...mixedCountryStore(start),
      target: 'only EEA/UK without a signal unsent',
    },
  ];
}
