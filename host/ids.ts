import { randomBytes } from 'node:crypto';

/** Ids in Signal's style: a prefix and 20 random base-32 characters (`tmpl_…`, `rev_…`, `evt_…`). */
export function newId(prefix: 'tmpl' | 'rev' | 'evt'): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += alphabet[b & 31];
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
