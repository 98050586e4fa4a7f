import type { Got, OptionsInit, Response } from 'got';
import type { HostSettings } from '../host-settings.js';

/** One HTTP request to Amazon (or Login with Amazon), answered with its status, headers and text body. */
export type AmazonHttp = (url: string, options: OptionsInit) => Promise<Response<string>>;

/**
 * Every call to Amazon goes through one got instance. got's defaults are not trusted silently: no automatic
 * retries (delivery owns retry policy, and got would not retry POST anyway), no throwing on HTTP status (one
 * classifier reads every status), and a timeout on every request. got is loaded on the first request: the
 * dry run, which makes none, starts 0.1 s sooner.
 */
export function createAmazonHttp(settings: Pick<HostSettings, 'requestTimeoutMs'>): AmazonHttp {
  let instance: Promise<Got> | undefined;
  return async (url, options) => {
    instance ??= import('got').then(({ got }) =>
      got.extend({
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        timeout: { request: settings.requestTimeoutMs },
        headers: { 'user-agent': 'datafly-signal-amazon-dsp-events/0.1' },
      }),
    );
    return (await instance)(url, options) as Promise<Response<string>>;
  };
}

/** What a call to Amazon answered, before it is classified. */
export interface AmazonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
