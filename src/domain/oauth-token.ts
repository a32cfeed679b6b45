/**
 * The OAuth2 client credentials grant (RFC 6749 §4.4), with no I/O: the token request, what a
 * token endpoint's answer means, and how long a token is used. The consumer sends the request
 * (src/delivery/token-endpoint.ts); the account object keeps the token (store/access-tokens.ts).
 */
import { basicAuthorization, type OAuthClientCredentials } from './destination-auth';

/** The most of a token endpoint's answer read: a token answer is a few hundred bytes. */
export const TOKEN_ANSWER_LIMIT = 64 * 1024;
/** A token is used until this long before it expires, so none arrives expired at the target. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;
/** expires_in is only RECOMMENDED (§5.1): without it a token is taken to last this long. */
export const DEFAULT_TOKEN_LIFETIME_S = 300;

export interface TokenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** application/x-www-form-urlencoded, as §2.3.1 asks for the client's id and secret too. */
const formEncode = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);

/**
 * A form-encoded POST of grant_type=client_credentials (with scope and audience when set),
 * the client authenticating with HTTP Basic (§2.3.1: the method every server must support).
 */
export function tokenRequest(config: OAuthClientCredentials, clientSecret: string): TokenRequest {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.scope) form.set('scope', config.scope);
  // Not in RFC 6749, but what Auth0 and others ask for the API the token is for.
  if (config.audience) form.set('audience', config.audience);
  return {
    url: config.token_url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
      authorization: basicAuthorization(formEncode(config.client_id), formEncode(clientSecret)),
    },
    body: form.toString(),
  };
}

export type TokenAnswer = { ok: true; accessToken: string; expiresInS: number } | { ok: false; problem: string };

/**
 * What a token endpoint's answer means (§5.1, §5.2): a token, or why not in words that quote
 * the answer. `cut`: the body was longer than TOKEN_ANSWER_LIMIT and only its start was read.
 */
export function readTokenAnswer(status: number, body: string, cut: boolean): TokenAnswer {
  const quoted = quote(body);
  if (cut) return { ok: false, problem: `answered ${status} with a body over ${TOKEN_ANSWER_LIMIT / 1024} KiB: ${quoted}` };
  if (status < 200 || status > 299) return { ok: false, problem: `answered ${status}: ${quoted}` };
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return { ok: false, problem: `answered ${status} with a body that is not JSON: ${quoted}` };
  }
  const fields = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
  const token = fields.access_token;
  // A token goes into a header: only the characters a header value may hold (RFC 6750 b64token and more).
  if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token)) {
    return { ok: false, problem: `answered ${status} without a usable access_token: ${quoted}` };
  }
  if (typeof fields.token_type === 'string' && fields.token_type.toLowerCase() !== 'bearer') {
    return { ok: false, problem: `answered token_type "${fields.token_type.slice(0, 40)}"; only Bearer tokens can be sent` };
  }
  const expiresIn = typeof fields.expires_in === 'string' ? Number(fields.expires_in) : fields.expires_in;
  const expiresInS = typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S;
  return { ok: true, accessToken: token, expiresInS };
}

/** Until when a token got at `now` is used: 60 s before it expires; null when that is already past (use it once, keep nothing). */
export function tokenUsableUntil(now: number, expiresInS: number): number | null {
  const until = now + expiresInS * 1000 - TOKEN_EXPIRY_MARGIN_MS;
  return until > now ? until : null;
}

/** The start of an answer, for an error message: one line, at most 200 characters. */
function quote(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line === '' ? '(empty)' : JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

/**
 * Which auth a kept token was got with: any change of token endpoint, client, scope, audience
 * or secret (each sealing differs) makes it another, so the token before is not sent again.
 */
export const tokenFingerprint = (config: OAuthClientCredentials, secretCiphertext: string) =>
  JSON.stringify([config.token_url, config.client_id, config.scope, config.audience, secretCiphertext]);
