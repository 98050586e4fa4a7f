import { HttpError } from './http-error.js';

/** What a route needs of the request line's target: the path (still percent-encoded) and the query. */
export interface RequestTarget {
  pathname: string;
  query: URLSearchParams;
}

/** Longest request target the host reads; Node's own header limit (16 KB) stops longer lines before this. */
const MAX_TARGET = 8 * 1024;

const invalid = (why: string) =>
  new HttpError(400, 'invalid_target', `The request target ${why}; send a path such as /v1/t.`);

/**
 * The request line's target as the router sees it, or a 400 `invalid_target`. Origin-form (`/v1/t?x=1`) is
 * read against a fixed origin, so `//x:99999/` is a path and never an authority; absolute-form
 * (`http://host/v1/t`) gives its path and query. Anything else (authority-form, `*`, garbage) is refused.
 */
export function parseTarget(raw: string | undefined): RequestTarget {
  if (!raw) throw invalid('is empty');
  if (raw.length > MAX_TARGET) throw invalid(`is longer than ${MAX_TARGET} characters`);
  let url: URL;
  try {
    url = raw.startsWith('/') ? new URL(`http://host${raw}`) : new URL(raw);
  } catch {
    throw invalid('is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('is not an http URL');
  return { pathname: url.pathname, query: url.searchParams };
}
