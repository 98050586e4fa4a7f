import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `given` is `expected`, in a time that depends on neither's content nor length: both are hashed to
 * 32 bytes first, so `timingSafeEqual` always compares equal lengths and a wrong guess learns nothing.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
