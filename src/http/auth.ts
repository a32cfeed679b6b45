/**
 * Bearer authentication. Operators (Support) use OPERATOR_TOKEN; account members use API
 * keys, looked up by their SHA-256 and bound to one account and one role.
 */
import { createMiddleware } from 'hono/factory';
import { getConfig } from '../config';
import { assertCsrf, CSRF_HEADER, hasSessionCookie, isUnsafeMethod, readSession } from '../console/session';
import { timingSafeEqualText } from '../crypto/encoding';
import { hashApiKey, type KeyRole } from '../crypto/ids';
import { findKeyByHash, type KeyPrincipal } from '../db/accounts';
import type { AppEnv } from './context';
import { cachedEventKey, cacheEventKey } from './event-key-cache';
import { ApiError } from './errors';

function bearerToken(header: string | undefined): string {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw new ApiError('unauthorized', 'Send credentials as "Authorization: Bearer <token>"');
  return match[1]!;
}

export const isApiKey = (token: string) => token.startsWith('hnk_');

export function checkOperatorToken(env: AppEnv['Bindings'], token: string): void {
  const expected = getConfig(env).operatorToken;
  // Refuse to work unconfigured rather than accept an empty token.
  if (!expected) throw new ApiError('not_configured', 'Operator endpoints are disabled: OPERATOR_TOKEN is not set');
  if (!timingSafeEqualText(token, expected)) throw new ApiError('unauthorized', 'The operator token is not valid');
}

const invalidKey = () => new ApiError('unauthorized', 'The API key is not valid or has been revoked');

async function liveKey(db: D1Database, hash: string): Promise<KeyPrincipal> {
  const principal = await findKeyByHash(db, hash);
  if (!principal) throw invalidKey();
  return principal;
}

export async function principalForKey(db: D1Database, token: string): Promise<KeyPrincipal> {
  if (!isApiKey(token)) throw invalidKey();
  return liveKey(db, await hashApiKey(token));
}

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
 * src/console/session.ts); changes made that way also need the session's CSRF token.
 */
export const requireKey = (...roles: KeyRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization === undefined && roles.includes('admin') && hasSessionCookie(c)) {
      const session = await readSession(c);
      if (!session) throw new ApiError('unauthorized', 'The console session has expired or was ended; sign in again');
      if (isUnsafeMethod(c.req.method)) assertCsrf(c, session, c.req.header(CSRF_HEADER));
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
