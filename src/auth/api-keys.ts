/**
 * Account API keys: minted once, stored only as a hash, and resolved to the account and role
 * they act for.
 */
import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../crypto/encoding';
import { findKeyByHash, type KeyPrincipal } from '../db/accounts';
import type { KeyRole } from '../domain/vocabulary';
import { invalidToken } from './bearer';

const KEY_PREFIX = 'hnk_';

/** A new API key; the role is visible in it so a leaked key is easy to triage. */
export function newApiKey(role: KeyRole): string {
  return `${KEY_PREFIX}${role}_${bytesToBase64Url(randomBytes(32))}`;
}

export const isApiKey = (token: string) => token.startsWith(KEY_PREFIX);

/**
 * Keys carry 256 bits of entropy, so a single SHA-256 is enough to make the stored hash
 * useless to an attacker (no salt or slow hash needed, unlike passwords), and it lets a
 * request find its key with one indexed lookup.
 */
export async function hashApiKey(key: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(key))));
}

export const invalidKey = () => invalidToken('The API key is not valid or has been revoked');

/** The live key with this hash, or a 401. */
export async function liveKey(db: D1Database, hash: string): Promise<KeyPrincipal> {
  const principal = await findKeyByHash(db, hash);
  if (!principal) throw invalidKey();
  return principal;
}

/** The account and role a presented key acts for, or a 401. */
export async function principalForKey(db: D1Database, token: string): Promise<KeyPrincipal> {
  if (!isApiKey(token)) throw invalidKey();
  return liveKey(db, await hashApiKey(token));
}
