import { HttpError, type Router } from '../http/http-kit.js';
import { sameSecret } from '../http/same-secret.js';

/** The bearer token of a request, or '' (only `Authorization: Bearer …`; never the query string). */
function bearerOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^Bearer +/i.test(header)
    ? header.replace(/^Bearer +/i, '').trim()
    : '';
}

/**
 * Constant-time comparison against each accepted token, whatever the lengths (digests are compared, see
 * `sameSecret`); every one is compared, whichever matches.
 */
function matchesAny(given: string, tokens: readonly string[]): boolean {
  let ok = false;
  for (const token of tokens) if (sameSecret(given, token)) ok = true;
  return ok;
}

/**
 * `GET /metrics` on the admin port: Prometheus's text format, behind `Authorization: Bearer` with the admin
 * token or, when set, `SIGNAL_METRICS_TOKEN` (a token a scraper can hold without administering the host).
 */
export function mountMetrics(
  router: Router,
  tokens: readonly string[],
  exposition: () => Promise<string>,
): Router {
  const accepted = tokens.filter((t) => t.length > 0);
  return router.on('GET', '/metrics', async (req, res) => {
    const given = bearerOf(req.headers.authorization);
    if (!given)
      throw new HttpError(401, 'unauthorized', 'Send Authorization: Bearer <metrics or admin token>.');
    if (!matchesAny(given, accepted)) throw new HttpError(401, 'unauthorized', 'The token is not valid.');
    const text = await exposition();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  });
}
