/**
 * Headers on every console response, set by hono/secure-headers. The policy allows scripts,
 * styles and fetches from this origin only, and no inline code at all: pages load
 * /console/assets/*.js and *.css, and no markup carries a style attribute or an event handler
 * (so no nonces are needed). Beyond what is listed, the middleware's defaults add HSTS,
 * Cross-Origin-Resource-Policy, Origin-Agent-Cluster and the legacy X-* hardening headers.
 */
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';

const SELF = "'self'";
const NONE = "'none'";

export const consoleSecureHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: [SELF],
    scriptSrc: [SELF],
    styleSrc: [SELF],
    imgSrc: [SELF],
    connectSrc: [SELF],
    baseUri: [NONE],
    formAction: [SELF],
    frameAncestors: [NONE],
    objectSrc: [NONE],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
});

/** Pages hold account data and a CSRF token: never cache them. Assets set their own policy. */
export const noStoreByDefault = createMiddleware(async (c, next) => {
  await next();
  if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
});
