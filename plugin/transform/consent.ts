import type { AmazonConsent, ConsentStatus } from '../amazon/event-types.js';
import type { Region } from '../constants.js';
import type { FilterCode } from '../contracts.js';
import { CONSENT_REQUIRED_COUNTRIES } from '../amazon/reference-lists.js';

/**
 * What an event with no consent signal carries where no signal is required: `geo_only` sends no
 * `amazonConsent` (only the IP), as Amazon's own server-side tag does; `denied` sends `amznUserData: DENIED`,
 * which keeps Amazon from using the event for matching and measurement.
 */
export type ConsentDefault = 'geo_only' | 'denied';

export type ConsentDecision =
  | { status: 'send'; consent: AmazonConsent | undefined; signal: 'granted' | 'absent' | 'tcf' | 'gpp' }
  | { status: 'filtered'; code: FilterCode; message: string };

/** `true` / `false` from a consent flag, or undefined when the event says nothing usable. */
function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === 'granted' || v === 'yes' || v === '1') return true;
    if (v === 'false' || v === 'denied' || v === 'no' || v === '0') return false;
  }
  return undefined;
}

/** The event's IAB GPP string, if it has one. */
export function gppOf(context: Record<string, unknown> | undefined): string | undefined {
  const consent = (context?.consent ?? {}) as Record<string, unknown>;
  return text(consent.gpp_string, consent.gpp, consent.gppString);
}

/**
 * Whether the person asked that their data not be sold or shared: Global Privacy Control (`context.gpc`, which
 * ingestion records from a `Sec-GPC: 1` header) or a US GPP string that opts out (`gppOptsOut`). Such an event
 * is sent with `LIMITED_DATA_USE`, as US state privacy laws require.
 */
export function asksLimitedDataUse(
  context: Record<string, unknown> | undefined,
  gppOptsOut: (gpp: string) => boolean,
): boolean {
  if (context?.gpc === true || context?.gpc === 'true' || context?.gpc === '1') return true;
  const gpp = gppOf(context);
  return gpp !== undefined && gppOptsOut(gpp);
}

/** The first non-blank text among the values. */
function text(...values: unknown[]): string | undefined {
  for (const value of values) {
    const t = trimmed(value);
    if (t !== undefined) return t;
  }
  return undefined;
}

function trimmed(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

/**
 * Signal consent → Amazon `consent`. The marketing purpose (`context.consent.canonical.marketing`, else the
 * legacy `advertising` / `marketing` flags) decides; a refusal is never sent. GRANTED is never invented.
 * Events from the EU/EEA/UK/CH, and every event of an EU-region installation, need a signal (a flag, a TCF or
 * a GPP string) or they are filtered. Elsewhere an event without a signal carries what `whenAbsent` says. TCF
 * wins over GPP, as in Amazon's GTM tag; the client IP is added as `geo`. No consent at all: undefined.
 */
export function decideConsent(
  context: Record<string, unknown> | undefined,
  country: string,
  region: Region,
  whenAbsent: ConsentDefault,
): ConsentDecision {
  const consent = (context?.consent ?? {}) as Record<string, unknown>;
  const canonical = (consent.canonical ?? {}) as Record<string, unknown>;
  const marketing = flag(canonical.marketing) ?? flag(consent.advertising) ?? flag(consent.marketing);
  const tcf = text(consent.tcf_string, consent.tcf, consent.tcfString, context?.gdpr_consent);
  const gpp = gppOf(context);

  if (marketing === false) {
    return {
      status: 'filtered',
      code: 'CONSENT_DENIED',
      message: 'The user refused marketing consent; the event is not sent to Amazon.',
    };
  }
  const noSignal = marketing === undefined && !tcf && !gpp;
  const needsSignal = CONSENT_REQUIRED_COUNTRIES.has(country) || region === 'EU';
  if (needsSignal && noSignal) {
    return {
      status: 'filtered',
      code: 'CONSENT_MISSING',
      message: `The event (country ${country}${region === 'EU' ? ', EU region' : ''}) carries no consent signal: Amazon needs consent for EU, EEA and UK users. Send context.consent.canonical.marketing, a TCF or a GPP string.`,
    };
  }
  const out: AmazonConsent = {};
  if (tcf) out.tcf = tcf;
  else if (gpp) out.gpp = gpp;
  if (marketing !== undefined || (noSignal && whenAbsent === 'denied')) {
    const status: ConsentStatus = marketing === true ? 'GRANTED' : 'DENIED';
    out.amazonConsent = { amznUserData: status, amznAdStorage: status };
  }
  const ip = text(context?.ip);
  if (ip) out.geo = { ipAddress: ip };
  return {
    status: 'send',
    consent: Object.keys(out).length > 0 ? out : undefined,
    signal: marketing ? 'granted' : tcf ? 'tcf' : gpp ? 'gpp' : 'absent',
  };
}
