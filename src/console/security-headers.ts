/**
 * Headers on every console response. The policy allows scripts, styles and fetches from this
 * origin only, and no inline code at all: pages load /console/assets/*.js and *.css, and no
 * markup carries a style attribute or an event handler.
 */
import { createMiddleware } from 'hono/factory';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('x-frame-options', 'DENY');
  headers.set('referrer-policy', 'same-origin');
  headers.set('cross-origin-opener-policy', 'same-origin');
  // Pages hold account data and a CSRF token: never cache them. Assets set their own policy.
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
});
