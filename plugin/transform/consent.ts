import type { AmazonConsent, ConsentStatus } from '../amazon/event-types.js';
import type { FilterCode } from '../contracts.js';
import type { Region } from '../constants.js';
import { CONSENT_REQUIRED_COUNTRIES } from '../amazon/reference-lists.js';
import { consentFlag } from './consent-words.js';

/**
 * What an event with no consent signal carries where no signal is required: `geo_only` sends no
 * `amazonConsent` (only the IP), as Amazon's own server-side tag does; `denied` sends `amznUserData: DENIED`,
 * which keeps Amazon from using the event for matching and measurement.
 */
export type ConsentDefault = 'geo_only' | 'denied';

/**
 * Where Global Privacy Control marks an event LIMITED_DATA_USE: `us`, events from the US only (LDU is what US
 * state privacy laws ask for); `everywhere`, every event whose browser sends it.
 */
export type GpcScope = 'us' | 'everywhere';

export type ConsentDecision =
  | { status: 'send'; consent: AmazonConsent | undefined; signal: 'granted' | 'absent' | 'tcf' | 'gpp' }
  | { status: 'filtered'; code: FilterCode; message: string };

/** The event's IAB GPP string, if it has one. */
export function gppOf(context: Record<string, unknown> | undefined): string | undefined {
  const consent = (context?.consent ?? {}) as Record<string, unknown>;
  return text(consent.gpp_string, consent.gpp, consent.gppString);
}

/**
 * Whether the person asked that their data not be sold or shared, as US state privacy laws read it: Global
 * Privacy Control (`context.gpc`, which ingestion records from a `Sec-GPC: 1` header; read with the consent
 * words, so `True` or `yes` is on) on an event from the US
 * (from any country with `gpcScope` `everywhere`), or a GPP string whose US section opts out (`gppOptsOut`; a
 * US section is there only for US users, so it needs no country test). Such an event is sent with
 * `LIMITED_DATA_USE`.
 */
export function asksLimitedDataUse(
  context: Record<string, unknown> | undefined,
  country: string,
  gpcScope: GpcScope,
  gppOptsOut: (gpp: string) => boolean,
): boolean {
  // The same words as a consent flag (`consent-words.ts`): `True`, `yes`, `on` and 1 say GPC is on.
  const gpc = consentFlag(context?.gpc) === true;
  if (gpc && (gpcScope === 'everywhere' || country === 'US')) return true;
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
 * legacy `advertising` / `marketing` flags, read with Amazon's tag's words: `consent-words.ts`) decides; a
 * refusal is never sent. GRANTED is never invented. The event's own country decides whether a signal is needed,
 * whatever the installation's region: from a country of `CONSENT_REQUIRED_COUNTRIES` (the EU 27, GB, NO, IS,
 * LI, as Amazon's tag) an event without a flag, TCF or GPP string is filtered; from anywhere else it carries
 * what `whenAbsent` says. TCF wins over GPP, as in Amazon's GTM tag; the client IP is added as `geo` (which
 * is itself one of the signals Amazon's API accepts for EU-host advertisers). No consent at all: undefined,
 * except on the EU region, where Amazon requires one of geo, amazonConsent, tcf or gpp on every event (SPEC
 * CreateConsent): an event with none of them there (no signal, no IP, `geo_only`) is filtered.
 */
export function decideConsent(
  context: Record<string, unknown> | undefined,
  country: string,
  whenAbsent: ConsentDefault,
  region?: Region,
): ConsentDecision {
  const consent = (context?.consent ?? {}) as Record<string, unknown>;
  const canonical = (consent.canonical ?? {}) as Record<string, unknown>;
  const marketing =
    consentFlag(canonical.marketing) ?? consentFlag(consent.advertising) ?? consentFlag(consent.marketing);
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
  if (noSignal && CONSENT_REQUIRED_COUNTRIES.has(country)) {
    return {
      status: 'filtered',
      code: 'CONSENT_MISSING',
      message: `The event (country ${country}) carries no consent signal: Amazon needs consent for EU, EEA and UK users. Send context.consent.canonical.marketing, a TCF or a GPP string.`,
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
  if (region === 'EU' && Object.keys(out).length === 0) {
    return {
      status: 'filtered',
      code: 'CONSENT_MISSING',
      message: `The event (country ${country}) of an EU-region advertiser carries neither a consent signal nor an IP: Amazon requires one of geo, amazonConsent, tcf or gpp from EU advertisers. Send context.ip, a consent flag, a TCF or a GPP string, or set consent_default to denied.`,
    };
  }
  return {
    status: 'send',
    consent: Object.keys(out).length > 0 ? out : undefined,
    signal: marketing ? 'granted' : tcf ? 'tcf' : gpp ? 'gpp' : 'absent',
  };
}
