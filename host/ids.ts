import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** Random bytes drawn 4 KiB at a time: one call to the system's generator serves 200 ids. */
let pool = Buffer.alloc(0);
let used = 0;

/** Ids in Signal's style: a prefix and 20 random base-32 characters (`tmpl_…`, `rev_…`, `evt_…`). */
export function newId(prefix: 'tmpl' | 'rev' | 'evt'): string {
  if (used + 20 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  let out = '';
  for (let i = used; i < used + 20; i++) out += ALPHABET[pool[i]! & 31];
  used += 20;
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
