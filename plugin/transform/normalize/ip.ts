import { isIP } from 'node:net';

/**
 * A dotted-quad IPv4 address as `node:net` reads one (four numbers 0–255, no leading zeros), read in one pass
 * without a regular expression; a test holds it to `net.isIPv4`.
 */
export function isIPv4(text: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // the end closes the last part like a dot
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + c - 48;
      if (++digits > 3) return false;
    } else if (c === 46) {
      if (digits === 0 || value > 255 || ++parts > 4) return false;
      digits = 0;
      value = 0;
    } else return false;
  }
  return parts === 4;
}

/** An IP address: IPv4 (most addresses) read by hand, anything else asked of `net.isIP` (IPv6). */
export const isIpAddress = (text: string): boolean => isIPv4(text) || isIP(text) === 6;
