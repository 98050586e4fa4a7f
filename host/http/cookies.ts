import type { IncomingHttpHeaders } from 'node:http';

/** The value of cookie `name` in the request's Cookie header; undefined when absent or sent twice. */
export function cookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const found: string[] = [];
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) found.push(part.slice(eq + 1).trim());
  }
  return found.length === 1 ? found[0] : undefined;
}

/** A `Set-Cookie` value: HttpOnly always; `maxAgeS` 0 clears it. */
export function setCookie(
  name: string,
  value: string,
  options: { path: string; sameSite: 'Strict' | 'Lax'; maxAgeS: number; secure?: boolean },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeS}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
