/**
 * Console sessions: an admin API key is exchanged once for a random session token that the
 * browser keeps in an HttpOnly, SameSite=Strict cookie. The key itself never reaches the
 * browser's storage, and D1 keeps only the token's SHA-256.
 *
 * Cross-site protection for changes has three layers: the SameSite=Strict cookie, an Origin
 * (or Sec-Fetch-Site) check, and a per-session CSRF token the page sends in a header
 * (src/auth/csrf.ts).
 */
import { generateCookie, getCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { bytesToBase64Url, randomBytes } from '../crypto/encoding';
import { deleteSession, findSession, insertSession, type SessionPrincipal } from '../db/sessions';
import { csrfTokenFor, sha256Hex } from './csrf';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOKEN_PREFIX = 'hns_';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Plain-HTTP local development cannot use Secure cookies; everywhere else they are required. */
export function isLoopback(url: string): boolean {
  return LOOPBACK_HOSTS.has(new URL(url).hostname);
}

/** The `__Host-` prefix makes the browser insist on Secure, Path=/ and no Domain. */
export function sessionCookieName(url: string): string {
  return isLoopback(url) ? 'hn_console' : '__Host-hn_console';
}

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export async function openSession(db: D1Database, keyId: string, now = Date.now()): Promise<OpenedSession> {
  const token = `${TOKEN_PREFIX}${bytesToBase64Url(randomBytes(32))}`;
  const expiresAt = now + SESSION_TTL_MS;
  await insertSession(db, { tokenHash: await sha256Hex(token), keyId, now, expiresAt });
  return { token, csrfToken: await csrfTokenFor(token), expiresAt };
}

export async function closeSession(db: D1Database, token: string): Promise<void> {
  await deleteSession(db, await sha256Hex(token));
}

const cookieOptions = (url: string, maxAge: number) =>
  ({ path: '/', httpOnly: true, sameSite: 'Strict', secure: !isLoopback(url), maxAge }) as const;

export function sessionCookie(url: string, token: string): string {
  return generateCookie(sessionCookieName(url), token, cookieOptions(url, SESSION_TTL_MS / 1000));
}

export function clearedSessionCookie(url: string): string {
  return generateCookie(sessionCookieName(url), '', cookieOptions(url, 0));
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
  if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const principal = await findSession(c.env.DB, await sha256Hex(token), now);
  return principal ? { principal, token, csrfToken: await csrfTokenFor(token) } : null;
}
