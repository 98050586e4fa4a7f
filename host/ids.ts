import { randomBytes } from 'node:crypto';

/** Base 32 in ASCII order (digits sort before letters), so the time part of ids sorts as the times do. */
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
/** Random bytes drawn 4 KiB at a time: one call to the system's generator serves 400 ids. */
let pool = Buffer.alloc(0);
let used = 0;

/**
 * Ids in Signal's style: a prefix and 20 base-32 characters (`tmpl_…`, `rev_…`, `evt_…`, `conn_…`). The first 10 are
 * the time in milliseconds and the last 10 are random (50 bits), as in a ULID: ids made one after another sort
 * together, so the database's indexes on them grow at their end. Random ids landed on a random page of each
 * index, and a request of 500 events rewrote hundreds of index pages (it made accepting an event 1.6 times
 * as slow; see docs/performance.md).
 */
export function newId(prefix: 'tmpl' | 'rev' | 'evt' | 'conn', now = Date.now()): string {
  if (used + 10 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  let out = '';
  for (let shift = 45; shift >= 0; shift -= 5) out += ALPHABET[Math.floor(now / 2 ** shift) & 31];
  for (let i = used; i < used + 10; i++) out += ALPHABET[pool[i]! & 31];
  used += 10;
  return `${prefix}_${out}`;
}

/** Opaque pagination cursors: the last row's numeric key, base64url-encoded. */
export const cursor = {
  encode: (key: number | string): string => Buffer.from(String(key)).toString('base64url'),
  /** The numeric key of a cursor, or undefined for none; NaN for one that is not ours. */
  decode: (value: string | null): number | undefined => {
    if (!value) return undefined;
    const text = Buffer.from(value, 'base64url').toString();
    return /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  },
};
