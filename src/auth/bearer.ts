/**
 * `Authorization: Bearer <token>` and the 401 that asks for it. Every 401 names the scheme in
 * WWW-Authenticate (RFC 6750, as hono/bearer-auth answers), and says `error="invalid_token"`
 * when a token was sent but is not accepted; the body stays the project's error envelope.
 */
import { ApiError } from '../errors';

export const REALM = 'http-notifier';
export const BEARER_CHALLENGE = `Bearer realm="${REALM}"`;
const INVALID_TOKEN_CHALLENGE = `${BEARER_CHALLENGE}, error="invalid_token"`;

/** 401 for a request that brought no usable credentials. */
export const credentialsMissing = (message: string) =>
  new ApiError('unauthorized', message, [], { 'www-authenticate': BEARER_CHALLENGE });

/** 401 for a token that was sent but is wrong, revoked or expired. */
export const invalidToken = (message: string) =>
  new ApiError('unauthorized', message, [], { 'www-authenticate': INVALID_TOKEN_CHALLENGE });

export function bearerToken(header: string | undefined): string {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw credentialsMissing('Send credentials as "Authorization: Bearer <token>"');
  return match[1]!;
}
