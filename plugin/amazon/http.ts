import { got, type Got } from 'got';
import type { HostSettings } from '../host-settings.js';

/**
 * The got instance for every call to Amazon. got's defaults are not trusted silently: no automatic retries
 * (delivery owns retry policy, and got would not retry POST anyway), no throwing on HTTP status (one
 * classifier reads every status), and a timeout on every request.
 */
export function createAmazonHttp(settings: Pick<HostSettings, 'requestTimeoutMs'>): Got {
  return got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    timeout: { request: settings.requestTimeoutMs },
    headers: { 'user-agent': 'datafly-signal-amazon-dsp-events/0.1' },
  });
}

/** What a call to Amazon answered, before it is classified. */
export interface AmazonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
