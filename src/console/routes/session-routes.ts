/** Signing in (admin key → session cookie) and out. Plain HTML forms: they work before any script loads. */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { hashApiKey } from '../../auth/api-keys';
import { assertCsrf, assertSameOrigin, CSRF_HEADER } from '../../auth/csrf';
import { clearedSessionCookie, closeSession, openSession, readSession, sessionCookie } from '../../auth/session';
import { findKeyByHash } from '../../db/accounts';
import { looksLikeApiKey, safeNextPath } from '../../domain/console-sign-in';
import { ApiError } from '../../errors';
import type { ConsoleEnv } from '../context';
import { SIGN_IN_PATH } from '../guard';
import { documentHtml } from '../pages/layout';
import { SignInPage, type SignInPageProps } from '../pages/sign-in';

// A key is under 100 characters; anything much larger is not a sign-in form.
const smallForm = bodyLimit({
  maxSize: 4 * 1024,
  onError: () => {
    throw new ApiError('payload_too_large', 'The form is too large');
  },
});

function signInPage(c: Context, props: SignInPageProps, status: 200 | 401 | 403 | 422 = 200) {
  return c.html(documentHtml(SignInPage(props)), status);
}

// Form fields are read twice per request (key and next); hono caches the parsed body.
async function formField(c: Context, name: string): Promise<string> {
  const form = await c.req.parseBody();
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

const NOTICES: Record<string, string> = {
  ended: 'Your session ended (it expired, or its key was revoked). Sign in again to continue.',
  signed_out: 'You are signed out.',
};

export function registerSessionRoutes(app: Hono<ConsoleEnv>) {
  app.get(SIGN_IN_PATH, async (c) => {
    if (await readSession(c)) return c.redirect(safeNextPath(c.req.query('next')) ?? '/console', 303);
    const reason = c.req.query('ended') !== undefined ? 'ended' : c.req.query('signed_out') !== undefined ? 'signed_out' : null;
    return signInPage(c, { notice: reason ? NOTICES[reason] : undefined, next: safeNextPath(c.req.query('next')) });
  });

  app.post(SIGN_IN_PATH, smallForm, async (c) => {
    // No session exists yet, so there is no CSRF token: the Origin check stops another site
    // from signing the browser in to an account of the attacker's choosing.
    assertSameOrigin(c);
    const key = await formField(c, 'key');
    // A next that is not a console path (another site, say) is dropped, never followed.
    const next = safeNextPath(await formField(c, 'next'));
    if (!key) return signInPage(c, { error: 'Enter an admin API key.', next }, 422);
    if (!looksLikeApiKey(key)) {
      return signInPage(c, {
        error: 'This is not an API key: admin keys start with hnk_admin_ followed by 43 letters, digits, - or _. Check that it was copied whole.',
        next,
      }, 422);
    }
    const principal = await findKeyByHash(c.env.DB, await hashApiKey(key));
    if (!principal) {
      return signInPage(c, { error: 'This key is unknown or has been revoked. Ask for a current admin key of the account.', next }, 401);
    }
    if (principal.role !== 'admin') {
      return signInPage(c, { error: 'This is an events key: it can post events but cannot sign in. Use an admin key.', next }, 403);
    }
    // Signing in again (perhaps with another key) replaces the browser's previous session.
    const previous = await readSession(c);
    if (previous) await closeSession(c.env.DB, previous.token);
    const session = await openSession(c.env.DB, principal.keyId);
    const response = c.redirect(next ?? '/console', 303);
    response.headers.append('set-cookie', sessionCookie(c.req.url, session.token));
    return response;
  });

  app.post('/console/sign-out', smallForm, async (c) => {
    const session = await readSession(c);
    if (session) {
      assertCsrf(c, session.csrfToken, c.req.header(CSRF_HEADER) ?? (await formField(c, 'csrf_token')));
      await closeSession(c.env.DB, session.token);
    } else {
      assertSameOrigin(c);
    }
    const response = c.redirect(`${SIGN_IN_PATH}?signed_out`, 303);
    response.headers.append('set-cookie', clearedSessionCookie(c.req.url));
    return response;
  });
}
