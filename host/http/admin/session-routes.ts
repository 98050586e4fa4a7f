import { SESSION_COOKIE, SESSION_TTL_MS } from '../admin-sessions.js';
import { cookie, setCookie } from '../cookies.js';
import type { AdminRoutes } from './admin-context.js';

/**
 * Admin sessions for the page: `POST` with the bearer token sets an HttpOnly cookie that only the Live Events
 * stream accepts (EventSource cannot send a header, and a token in a URL ends up in logs); `DELETE` ends it.
 */
export const sessionRoutes: AdminRoutes = (router, ctx) => {
  const sessionCookie = (value: string, maxAgeS: number) =>
    setCookie(SESSION_COOKIE, value, {
      path: '/v1/admin',
      sameSite: 'Strict',
      maxAgeS,
      secure: ctx.secureCookies(),
    });
  router
    .on('POST', '/v1/admin/session', (req, res) => {
      ctx.auth(req);
      const id = ctx.sessions.open();
      res.writeHead(204, { 'set-cookie': sessionCookie(id, SESSION_TTL_MS / 1000) }).end();
    })
    .on('DELETE', '/v1/admin/session', (req, res) => {
      ctx.auth(req, { session: true });
      ctx.sessions.close(cookie(req.headers, SESSION_COOKIE));
      res.writeHead(204, { 'set-cookie': sessionCookie('', 0) }).end();
    });
};
