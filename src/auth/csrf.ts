/**
 * Cross-site request checks for changes made with a console session: the request must come
 * from this origin, and carry the session's CSRF token.
 *
 * The origin check is our own rather than hono/csrf: that middleware skips requests with a
 * JSON content type (counting on the CORS preflight a cross-site JSON request needs), while
 * this one also covers the session's JSON calls to /v1, so the preflight is not the only
 * defence.
 */
import type { Context } from 'hono';
import { bytesToBase64Url, bytesToHex, timingSafeEqualText, utf8 } from '../crypto/encoding';
import { ApiError } from '../errors';

export const CSRF_HEADER = 'x-csrf-token';

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)));
}

export const sha256Hex = async (text: string) => bytesToHex(await sha256(text));

/**
 * The CSRF token is derived from the session token rather than stored: it costs no column,
 * and the stored hash alone (a different digest) does not reveal it.
 */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return bytesToBase64Url(await sha256(`console-csrf:${sessionToken}`));
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
export function assertCsrf(c: Context, expected: string, presented: string | undefined): void {
  assertSameOrigin(c);
  if (!presented || !timingSafeEqualText(presented, expected)) {
    throw new ApiError('forbidden', `Changes made with a console session need the session's CSRF token in the ${CSRF_HEADER} header`);
  }
}
