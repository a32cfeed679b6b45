/**
 * Console sessions: an admin API key is exchanged once for a random session token that the
 * browser keeps in an HttpOnly, SameSite=Strict cookie. The key itself never reaches the
 * browser's storage, and D1 keeps only the token's SHA-256.
 *
 * Cross-site protection for changes has three layers: the SameSite=Strict cookie, an Origin
 * (or Sec-Fetch-Site) check, and a per-session CSRF token the page sends in a header.
 */
import { generateCookie, getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { bytesToBase64Url, bytesToHex, randomBytes, timingSafeEqualText, utf8 } from '../crypto/encoding';
import { deleteSession, findSession, insertSession, type SessionPrincipal } from '../db/sessions';
import { ApiError } from '../http/errors';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const CSRF_HEADER = 'x-csrf-token';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Plain-HTTP local development cannot use Secure cookies; everywhere else they are required. */
export function isLoopback(url: string): boolean {
  return LOOPBACK_HOSTS.has(new URL(url).hostname);
}

/** The `__Host-` prefix makes the browser insist on Secure, Path=/ and no Domain. */
export function sessionCookieName(url: string): string {
  return isLoopback(url) ? 'hn_console' : '__Host-hn_console';
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)));
}

const hashToken = async (token: string) => bytesToHex(await sha256(token));

/**
 * The CSRF token is derived from the session token rather than stored: it costs no column,
 * and the stored hash alone (a different digest) does not reveal it.
 */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return bytesToBase64Url(await sha256(`console-csrf:${sessionToken}`));
}

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export async function openSession(db: D1Database, keyId: string, now = Date.now()): Promise<OpenedSession> {
  const token = `hns_${bytesToBase64Url(randomBytes(32))}`;
  const expiresAt = now + SESSION_TTL_MS;
  await insertSession(db, { tokenHash: await hashToken(token), keyId, now, expiresAt });
  return { token, csrfToken: await csrfTokenFor(token), expiresAt };
}

export async function closeSession(db: D1Database, token: string): Promise<void> {
  await deleteSession(db, await hashToken(token));
}

export function sessionCookie(url: string, token: string): string {
  const secure = !isLoopback(url);
  return generateCookie(sessionCookieName(url), token, {
    path: '/', httpOnly: true, sameSite: 'Strict', secure, maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearedSessionCookie(url: string): string {
  return generateCookie(sessionCookieName(url), '', { path: '/', httpOnly: true, sameSite: 'Strict', secure: !isLoopback(url), maxAge: 0 });
}

export interface ActiveSession {
  principal: SessionPrincipal;
  token: string;
  csrfToken: string;
}

export const hasSessionCookie = (c: Context) => getCookie(c, sessionCookieName(c.req.url)) !== undefined;

/** The session named by the request's cookie, or null when there is none or it is no longer valid. */
export async function readSession(c: Context, now = Date.now()): Promise<ActiveSession | null> {
  const token = getCookie(c, sessionCookieName(c.req.url));
  if (!token || !token.startsWith('hns_') || token.length > 100) return null;
  const principal = await findSession(c.env.DB, await hashToken(token), now);
  return principal ? { principal, token, csrfToken: await csrfTokenFor(token) } : null;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isUnsafeMethod = (method: string) => UNSAFE_METHODS.has(method.toUpperCase());

/**
 * Refuses a request another site made the browser send. Browsers send Origin with every
 * POST/PUT/PATCH/DELETE and Sec-Fetch-Site with every request; either one is decisive.
 */
export function assertSameOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError('forbidden', 'Cross-site requests are refused: the Origin does not match this site');
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ApiError('forbidden', 'Cross-site requests are refused');
  }
}

/** For changes made with a session: same origin, and the session's CSRF token (header or form field). */
export function assertCsrf(c: Context, session: ActiveSession, presented: string | undefined): void {
  assertSameOrigin(c);
  if (!presented || !timingSafeEqualText(presented, session.csrfToken)) {
    throw new ApiError('forbidden', `Changes made with a console session need the session's CSRF token in the ${CSRF_HEADER} header`);
  }
}
