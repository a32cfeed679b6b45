/**
 * Authentication middleware for the API. Operators (Support) use OPERATOR_TOKEN; account
 * members use API keys bound to one account and one role, or (for admin endpoints) an admin
 * console session. The checks themselves live in src/auth.
 */
import { createMiddleware } from 'hono/factory';
import { hashApiKey, isApiKey, invalidKey, liveKey, principalForKey } from '../auth/api-keys';
import { bearerToken, credentialsMissing } from '../auth/bearer';
import { assertCsrf, CSRF_HEADER, isUnsafeMethod } from '../auth/csrf';
import { checkOperatorToken } from '../auth/operator';
import { hasSessionCookie, readSession } from '../auth/session';
import type { KeyPrincipal } from '../db/accounts';
import { HOP_HEADER, HOP_REFUSAL } from '../domain/hop-header';
import type { KeyRole } from '../domain/vocabulary';
import { ApiError, validationFailed } from '../errors';
import type { AppEnv } from './context';
import { cachedEventKey, cacheEventKey } from './event-key-cache';

/** principalForKey for ingestion: one D1 read per events key and TTL instead of one per event. */
async function eventSenderForKey(db: D1Database, token: string): Promise<KeyPrincipal> {
  if (!isApiKey(token)) throw invalidKey();
  const hash = await hashApiKey(token);
  const cached = cachedEventKey(hash);
  if (cached) return cached;
  const principal = await liveKey(db, hash);
  cacheEventKey(hash, principal);
  return principal;
}

export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  checkOperatorToken(c.env, bearerToken(c.req.header('authorization')));
  c.set('principal', { operator: true });
  await next();
});

/**
 * An account key with one of `roles`. Where admin keys are accepted, a request without an
 * Authorization header may instead carry an admin console session cookie (see
 * src/auth/session.ts); changes made that way also need the session's CSRF token.
 */
export const requireKey = (...roles: KeyRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization === undefined && roles.includes('admin') && hasSessionCookie(c)) {
      const session = await readSession(c);
      if (!session) throw credentialsMissing('The console session has expired or was ended; sign in again');
      if (isUnsafeMethod(c.req.method)) assertCsrf(c, session.csrfToken, c.req.header(CSRF_HEADER));
      c.set('principal', session.principal);
      return next();
    }
    const principal = await principalForKey(c.env.DB, bearerToken(authorization));
    if (!roles.includes(principal.role)) {
      throw new ApiError('forbidden', `This endpoint needs a key with the ${roles.join(' or ')} role; this key has the ${principal.role} role`);
    }
    c.set('principal', principal);
    await next();
  });

/** Events may be posted with an events key, or by an operator naming the account. */
export const requireEventSender = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (isApiKey(token)) {
    const principal = await eventSenderForKey(c.env.DB, token);
    if (principal.role !== 'events') throw new ApiError('forbidden', 'Posting events needs a key with the events role');
    c.set('principal', principal);
  } else {
    checkOperatorToken(c.env, token);
    c.set('principal', { operator: true });
  }
  await next();
});

/**
 * Loop protection at ingestion: a request carrying the header every webhook of ours carries is
 * one of our webhooks come back, so its events are refused whole (a batch too), before anything
 * is read or stored.
 */
export const refuseOwnWebhooks = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header(HOP_HEADER) !== undefined) throw validationFailed([{ path: `headers.${HOP_HEADER}`, message: HOP_REFUSAL }], HOP_REFUSAL);
  await next();
});

export function keyPrincipal(principal: AppEnv['Variables']['principal']): KeyPrincipal {
  if ('operator' in principal) throw new ApiError('forbidden', 'This endpoint needs an account key');
  return principal;
}

/** Changes to automations (and test sends) need the integration switched on by Support. */
export function requireIntegrationEnabled(principal: KeyPrincipal): void {
  if (!principal.integrationEnabled) {
    throw new ApiError(
      'integration_disabled',
      'HTTP Notifier is not enabled for this account. Ask Support to enable it; until then automations cannot be changed and nothing is delivered.',
    );
  }
}
