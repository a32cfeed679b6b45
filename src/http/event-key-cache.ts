/**
 * Events keys seen recently by this isolate. Ingestion is the hot path and the key lookup is
 * one of its two D1 round trips; the benchmark measured +36% events/s with this cache.
 * Only events-role keys are cached (admin routes always read D1). Revoking a key through
 * this isolate drops it at once; another isolate keeps accepting it for at most the TTL.
 * The account's integration switch is not taken from here: the fan-out query checks it.
 */
import type { KeyPrincipal } from '../db/accounts';
import { BoundedCache } from '../lib/bounded-cache';

export const EVENT_KEY_TTL_MS = 10_000;

const principalByHash = new BoundedCache<string, KeyPrincipal>({ maxEntries: 1_000, ttlMs: EVENT_KEY_TTL_MS });

export function cachedEventKey(hash: string): KeyPrincipal | undefined {
  return principalByHash.get(hash);
}

export function cacheEventKey(hash: string, principal: KeyPrincipal): void {
  if (principal.role === 'events') principalByHash.set(hash, principal);
}

export function forgetEventKey(keyId: string): void {
  principalByHash.deleteWhere((principal) => principal.keyId === keyId);
}

/** An account's partitioning changed: its keys are read again (other isolates: within the TTL). */
export function forgetAccountKeys(accountId: string): void {
  principalByHash.deleteWhere((principal) => principal.accountId === accountId);
}
