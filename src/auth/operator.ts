/** The operator (Support) token: one shared secret from the environment. */
import { getConfig } from '../config';
import { timingSafeEqualText } from '../crypto/encoding';
import type { Env } from '../env';
import { ApiError } from '../errors';
import { invalidToken } from './bearer';

export function checkOperatorToken(env: Env, token: string): void {
  const expected = getConfig(env).operatorToken;
  // Refuse to work unconfigured rather than accept an empty token.
  if (!expected) throw new ApiError('not_configured', 'Operator endpoints are disabled: OPERATOR_TOKEN is not set');
  if (!timingSafeEqualText(token, expected)) throw invalidToken('The operator token is not valid');
}
