/** Page routes need a live console session; without one the browser is sent to sign in. */
import { createMiddleware } from 'hono/factory';
import { clearedSessionCookie, hasSessionCookie, readSession } from '../auth/session';
import type { ConsoleEnv } from './context';

export const SIGN_IN_PATH = '/console/sign-in';

export const requireConsoleSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    // A cookie that no longer works (expired, signed out elsewhere, key revoked) is dropped,
    // and the sign-in page says why the user is there again.
    const hadCookie = hasSessionCookie(c);
    const response = c.redirect(hadCookie ? `${SIGN_IN_PATH}?ended=1` : SIGN_IN_PATH, 303);
    if (hadCookie) response.headers.append('set-cookie', clearedSessionCookie(c.req.url));
    return response;
  }
  c.set('session', session);
  c.set('principal', session.principal);
  await next();
});
