/**
 * Asking an OAuth2 token endpoint for an access token (client credentials grant): the request
 * and the reading of its answer are the domain's (oauth-token.ts); this sends it, bounded in
 * time (the delivery timeout) and in what it reads (64 KiB), never following a redirect.
 * Concurrent requests for the same token in one isolate share one fetch.
 */
import { endpointOf } from '../domain/destination-gate';
import type { OAuthClientCredentials } from '../domain/destination-auth';
import { readTokenAnswer, TOKEN_ANSWER_LIMIT, tokenRequest, type TokenAnswer } from '../domain/oauth-token';
import { describeFetchError, readStart } from './send';

const inFlight = new Map<string, Promise<TokenAnswer>>();

/**
 * A token from the endpoint, or why not (the problem names the endpoint and quotes its
 * answer). `shareKey`: requests with the same key at the same time share one fetch (the auth's
 * fingerprint and the token being replaced, so every consumer refreshing the same stale token
 * asks once).
 */
export function requestAccessToken(config: OAuthClientCredentials, clientSecret: string, timeoutMs: number, shareKey: string): Promise<TokenAnswer> {
  let pending = inFlight.get(shareKey);
  if (!pending) {
    pending = fetchToken(config, clientSecret, timeoutMs).finally(() => inFlight.delete(shareKey));
    inFlight.set(shareKey, pending);
  }
  return pending;
}

async function fetchToken(config: OAuthClientCredentials, clientSecret: string, timeoutMs: number): Promise<TokenAnswer> {
  const request = tokenRequest(config, clientSecret);
  // Named without its query, which could hold a credential.
  const named = `token endpoint ${endpointOf(config.token_url)}`;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal });
    const { text, cut } = await readStart(response, TOKEN_ANSWER_LIMIT);
    const answer = readTokenAnswer(response.status, text, cut);
    return answer.ok ? answer : { ok: false, problem: `${named} ${answer.problem}` };
  } catch (error) {
    // A slow answer times out while its body is read too: the same message either way.
    return { ok: false, problem: `${named}: ${describeFetchError(error, timeoutMs)}` };
  }
}

