import { writeLine } from './io.js';

/**
 * Rows (or events) filtered `CONSENT_MISSING`, counted for one line after the summary that says what to do:
 * an EU-region advertiser's CRM export has no IP and often no consent column, so Amazon's rule ("For EU
 * advertisers, it is required to provide one of geo, amazonConsent, tcf, or gpp", SPEC CreateConsent) filters
 * every row of it, and a count among the others is easy to miss.
 */
export class ConsentMissingRows {
  private count = 0;

  constructor(private readonly noun: 'rows' | 'events') {}

  add(outcome: { status: string; reason?: { code: string } }): void {
    if (outcome.status === 'filtered' && outcome.reason?.code === 'CONSENT_MISSING') this.count++;
  }

  /** One line on `out` when any was filtered so: how many, and the ways to send them. */
  report(out: NodeJS.WritableStream): void {
    if (this.count === 0) return;
    writeLine(out, consentMissingLine(this.count, this.noun));
  }
}

export function consentMissingLine(count: number, noun: 'rows' | 'events'): string {
  return (
    `${count} ${noun} were filtered for CONSENT_MISSING (those from the EU, EEA and UK need a consent signal; on an ` +
    'EU-region profile every one needs a signal or an IP): map a consent column to ' +
    `context.consent.canonical.marketing (or a TCF or GPP string); for ${noun} from elsewhere an IP column ` +
    '(context.ip) does too, or "consent_default": "denied" sends them marked amznUserData DENIED. See ' +
    '"EU-host advertisers" in docs/offline-upload.md.'
  );
}
