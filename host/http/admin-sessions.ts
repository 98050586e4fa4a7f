import { createHash, randomBytes } from 'node:crypto';

/** The cookie that carries an admin session (for the page's event stream, which cannot send a header). */
export const SESSION_COOKIE = 'signal_admin';
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions kept at once; opening one more forgets the oldest. */
const MAX_SESSIONS = 64;

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * Admin sessions opened with the bearer token (`POST /v1/admin/session`): random ids, kept in memory by their
 * digest only, each valid for 12 hours. A restart ends them all; the page opens a new one.
 */
export class AdminSessions {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  open(): string {
    for (const [key, expiresAt] of this.sessions) if (expiresAt <= this.now()) this.sessions.delete(key);
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(digest(id), this.now() + SESSION_TTL_MS);
    return id;
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const expiresAt = this.sessions.get(digest(id));
    return expiresAt !== undefined && expiresAt > this.now();
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }
}
