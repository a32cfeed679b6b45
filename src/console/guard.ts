/** Page routes need a live console session; without one the browser is sent to sign in. */
import { createMiddleware } from 'hono/factory';
import { clearedSessionCookie, hasSessionCookie, readSession } from '../auth/session';
import { safeNextPath } from '../domain/console-sign-in';
import type { ConsoleEnv } from './context';

export const SIGN_IN_PATH = '/console/sign-in';

export const requireConsoleSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    // A cookie that no longer works (expired, signed out elsewhere, key revoked) is dropped,
    // and the sign-in page says why the user is there again.
    const hadCookie = hasSessionCookie(c);
    const params = new URLSearchParams();
    if (hadCookie) params.set('ended', '1');
    // The page asked for is opened after signing in (a followed link keeps working).
    const url = new URL(c.req.url);
    const next = c.req.method === 'GET' ? safeNextPath(url.pathname + url.search) : null;
    if (next && next !== '/console') params.set('next', next);
    const query = params.toString();
    const response = c.redirect(query ? `${SIGN_IN_PATH}?${query}` : SIGN_IN_PATH, 303);
    if (hadCookie) response.headers.append('set-cookie', clearedSessionCookie(c.req.url));
    return response;
  }
  c.set('session', session);
  c.set('principal', session.principal);
  await next();
});
