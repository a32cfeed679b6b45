/**
 * Identifiers and API keys.
 *
 * Ids are `<prefix>_<12 hex digits of ms time><16 random hex digits>`: they sort by creation
 * time, which lets lists page with a plain `id < cursor` on the primary key. SQL that mints
 * delivery ids in bulk (src/db/events.ts) builds the same shape.
 */
import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from './encoding';

export type IdPrefix = 'acc' | 'key' | 'aut' | 'evt' | 'dlv';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${now.toString(16).padStart(12, '0')}${bytesToHex(randomBytes(8))}`;
}

export type KeyRole = 'admin' | 'events';

/** A new API key; the role is visible in it so a leaked key is easy to triage. */
export function newApiKey(role: KeyRole): string {
  return `hnk_${role}_${bytesToBase64Url(randomBytes(32))}`;
}

/**
 * Keys carry 256 bits of entropy, so a single SHA-256 is enough to make the stored hash
 * useless to an attacker (no salt or slow hash needed, unlike passwords), and it lets a
 * request find its key with one indexed lookup.
 */
export async function hashApiKey(key: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(key))));
}
