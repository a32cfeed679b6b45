/**
 * The Authorization header a delivery's `auth` makes: Basic from the sealed password, or Bearer
 * with the account object's access token — got from the token endpoint when the object has
 * none usable, and then kept there for every consumer. After a 401 from the target, `refresh`
 * gets a new token (once) for the attempt to be sent again at once.
 */
import { authSecretBoundTo, basicAuthorization, bearerAuthorization, checkTokenUrl, type OAuthClientCredentials, type SealedAuth } from '../domain/destination-auth';
import { tokenFingerprint } from '../domain/oauth-token';
import type { TargetUrlPolicy } from '../domain/target-url';
import { logEvent } from '../observability/log';
import { sealSecret } from '../crypto/secret-box';
import { openSigningSecret } from './signing-secrets';
import { requestAccessToken } from './token-endpoint';

export interface AuthContext {
  secretsKey: string;
  timeoutMs: number;
  policy: TargetUrlPolicy;
  /** Keeps a token (sealed) in the account object for every consumer; its expiry is the object's to judge. */
  keep: (automationId: string, fingerprint: string, tokenCiphertext: string, expiresInS: number) => Promise<unknown>;
}

export type AuthHeader =
  | { ok: true; value: string | null; refresh: (() => Promise<AuthHeader>) | null }
  /** No request can go: the token endpoint failed (`token`), or a secret could not be opened (`config`). */
  | { ok: false; problem: string; why: 'token' | 'config' };

/** Where a kept token's ciphertext is bound: its automation, apart from its other secrets. */
const tokenBoundTo = (automationId: string) => `${automationId}/token`;

export async function authHeaderFor(
  order: { automationId: string; auth: SealedAuth | null; accessToken: string | null },
  ctx: AuthContext,
): Promise<AuthHeader> {
  const { auth, automationId } = order;
  if (!auth) return { ok: true, value: null, refresh: null };
  let secret: string;
  try {
    // Opened secrets are cached like signing secrets; the binding keeps each in its own place.
    secret = await openSigningSecret(ctx.secretsKey, auth.secretCiphertext, authSecretBoundTo(automationId));
  } catch (error) {
    logEvent('cannot open auth secret', { automation_id: automationId, error: (error as Error).message }, 'error');
    return { ok: false, problem: 'the auth secret could not be read (service configuration)', why: 'config' };
  }
  const view = auth.view;
  if (view.type === 'basic') return { ok: true, value: basicAuthorization(view.username, secret), refresh: null };

  const fingerprint = tokenFingerprint(view, auth.secretCiphertext);
  // A 401 from the target gets one new token, whether the rejected one was kept or just got.
  const fresh = async (stale: string, mayRefresh: boolean): Promise<AuthHeader> => {
    const got = await newToken(view, secret, automationId, fingerprint, stale, ctx);
    if (!got.ok) return got;
    return { ok: true, value: bearerAuthorization(got.token), refresh: mayRefresh ? () => fresh(got.token, false) : null };
  };
  if (order.accessToken) {
    try {
      const token = await openSigningSecret(ctx.secretsKey, order.accessToken, tokenBoundTo(automationId));
      return { ok: true, value: bearerAuthorization(token), refresh: () => fresh(token, false) };
    } catch {
      // A token that cannot be opened is simply got again.
    }
  }
  return fresh('', true);
}

/** A new token from the endpoint, kept for the other consumers; `stale`: the one it replaces. */
async function newToken(
  view: OAuthClientCredentials, secret: string, automationId: string, fingerprint: string, stale: string, ctx: AuthContext,
): Promise<{ ok: true; token: string } | { ok: false; problem: string; why: 'token' }> {
  // Checked again at send time, as the target is: the policy may be stricter than when it was saved.
  const endpoint = checkTokenUrl(view.token_url, ctx.policy);
  if (!endpoint.ok) return { ok: false, problem: `token endpoint refused: ${endpoint.reason}`, why: 'token' };
  const answer = await requestAccessToken(view, secret, ctx.timeoutMs, `${fingerprint}\n${stale}`);
  if (!answer.ok) return { ok: false, problem: answer.problem, why: 'token' };
  try {
    await ctx.keep(automationId, fingerprint, await sealSecret(ctx.secretsKey, answer.accessToken, tokenBoundTo(automationId)), answer.expiresInS);
  } catch (error) {
    // The token still serves this attempt; the next consumer asks the endpoint again.
    logEvent('cannot keep access token', { automation_id: automationId, error: String(error) }, 'error');
  }
  return { ok: true, token: answer.accessToken };
}
