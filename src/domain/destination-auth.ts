/**
 * How an automation authenticates to its target (`auth`): HTTP Basic (RFC 7617), or a bearer
 * token from an OAuth2 token endpoint by the client credentials grant (RFC 6749 §4.4, see
 * oauth-token.ts). The password or client secret is sealed apart and never shown; what the API
 * shows and D1 stores in `automations.auth` is the rest (AuthView, auth-view.ts). Pure: the
 * rules a saved `auth` must pass, when a PATCH may keep the stored secret, and the header values.
 */
import { bytesToBase64, utf8 } from '../crypto/encoding';
import type { AuthView, BasicAuth, OAuthClientCredentials } from './auth-view';
import { checkTargetUrl, isLoopbackHost, type TargetUrlCheck, type TargetUrlPolicy } from './target-url';
import type { AuthType } from './vocabulary';

export type { AuthView, OAuthClientCredentials };

/** `auth` as posted: the view, with its secret (which a PATCH may leave out to keep the stored one). */
export type AuthInput =
  | (BasicAuth & { password?: string })
  | (Omit<OAuthClientCredentials, 'scope' | 'audience'> & { scope?: string | null; audience?: string | null; client_secret?: string });

export const MAX_AUTH_FIELD_LENGTH = 1024;

interface Problem {
  path: string;
  message: string;
}

/** The stored auth a change starts from: its view and the target URL it was saved with. */
export interface StoredAuth {
  view: AuthView;
  url: string;
}

/** What the input says as a view (the secret left out, absent optionals as null). */
export function viewOf(input: AuthInput): AuthView {
  if (input.type === 'basic') return { type: 'basic', username: input.username };
  return { type: input.type, token_url: input.token_url, client_id: input.client_id, scope: input.scope ?? null, audience: input.audience ?? null };
}

export const secretOf = (input: AuthInput): string | undefined => (input.type === 'basic' ? input.password : input.client_secret);
const secretName = (type: AuthType) => (type === 'basic' ? 'password' : 'client_secret');

/**
 * Whether a change that leaves the secret out may keep the stored one: only for the same kind
 * of auth, and only while the secret would still go where it went — the same token endpoint,
 * or for Basic the same target origin — so a changed URL never carries it somewhere new.
 */
export function mayKeepSecret(stored: StoredAuth | null, next: AuthView, url: string): boolean {
  if (!stored || stored.view.type !== next.type) return false;
  if (next.type === 'oauth2_client_credentials') return stored.view.type === next.type && stored.view.token_url === next.token_url;
  return originOf(stored.url) === originOf(url);
}

/**
 * Every problem with `auth` as saved: each field, the token endpoint (the target's SSRF policy,
 * and https only: it receives the client secret), a missing secret that cannot be kept, and an
 * extra Authorization header beside it (which one would the receiver see?).
 */
export function checkAuth(input: AuthInput, headers: Record<string, string>, keepsSecret: boolean, policy: TargetUrlPolicy): Problem[] {
  const problems: Problem[] = [];
  const field = (name: string, value: string | null | undefined, rules: { required: boolean; noColon?: boolean }) => {
    const path = `auth.${name}`;
    if (value === undefined || value === null || value === '') {
      if (rules.required) problems.push({ path, message: `${name} is required` });
      return;
    }
    if (value.length > MAX_AUTH_FIELD_LENGTH) problems.push({ path, message: `${name} is longer than ${MAX_AUTH_FIELD_LENGTH} characters` });
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(value)) problems.push({ path, message: `${name} must not contain control characters` });
    if (rules.noColon && value.includes(':')) problems.push({ path, message: `${name} must not contain ":" (RFC 7617: it separates the user-id from the password)` });
  };
  const secret = secretOf(input);
  const secretPath = secretName(input.type);
  if (secret === undefined && !keepsSecret) {
    problems.push({
      path: `auth.${secretPath}`,
      message: `${secretPath} is required (it may be left out of a change only to keep the stored one, for the same auth type and the same ${input.type === 'basic' ? 'target origin' : 'token_url'})`,
    });
  } else {
    field(secretPath, secret, { required: secret !== undefined });
  }
  if (input.type === 'basic') {
    field('username', input.username, { required: true, noColon: true });
  } else {
    field('client_id', input.client_id, { required: true });
    field('scope', input.scope, { required: false });
    field('audience', input.audience, { required: false });
    const endpoint = checkTokenUrl(input.token_url, policy);
    if (!endpoint.ok) problems.push({ path: 'auth.token_url', message: endpoint.reason });
  }
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization') {
      problems.push({ path: `headers.${name}`, message: 'remove the Authorization header: auth sets it (use one or the other)' });
    }
  }
  return problems;
}

/**
 * A token endpoint must pass the target's SSRF policy, and use https: it receives the client
 * secret. Plain http is allowed only to loopback under the development setting.
 */
export function checkTokenUrl(raw: string, policy: TargetUrlPolicy): TargetUrlCheck {
  const check = checkTargetUrl(raw, policy);
  if (!check.ok || check.url.protocol === 'https:') return check;
  if (policy.allowLoopback && isLoopbackHost(check.url.hostname)) return check;
  return { ok: false, reason: 'the token endpoint must use https: (it receives the client secret)' };
}

/** `Authorization: Basic …` (RFC 7617, UTF-8). */
export const basicAuthorization = (username: string, password: string) => `Basic ${bytesToBase64(utf8(`${username}:${password}`))}`;

export const bearerAuthorization = (token: string) => `Bearer ${token}`;

/** What the stored copy of a request shows for Authorization: its scheme, never its credentials. */
export function maskAuthorization(value: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*(?= )/.exec(value)?.[0];
  return scheme ? `${scheme} ********` : '********';
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * What the auth secret's ciphertext is bound to: its automation, marked apart from the signing
 * secret's binding so neither ciphertext opens in the other's place.
 */
export const authSecretBoundTo = (automationId: string) => `${automationId}/auth`;

/** An automation's auth as the account object hands it to the consumer: the view and the sealed secret. */
export interface SealedAuth {
  view: AuthView;
  secretCiphertext: string;
}
