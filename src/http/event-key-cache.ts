/**
 * Events keys seen recently by this isolate. Ingestion is the hot path and the key lookup is
 * one of its two D1 round trips; the benchmark measured +36% events/s with this cache.
 * Only events-role keys are cached (admin routes always read D1). Revoking a key through
 * this isolate drops it at once; another isolate keeps accepting it for at most the TTL.
 * The account's integration switch is not taken from here: the fan-out query checks it.
 */
import type { KeyPrincipal } from '../db/accounts';

export const EVENT_KEY_TTL_MS = 10_000;
const MAX_ENTRIES = 1_000;

const entries = new Map<string, { principal: KeyPrincipal; until: number }>();

export function cachedEventKey(hash: string, now: number): KeyPrincipal | undefined {
  const entry = entries.get(hash);
  if (entry && entry.until > now) return entry.principal;
  if (entry) entries.delete(hash);
  return undefined;
}

export function cacheEventKey(hash: string, principal: KeyPrincipal, now: number): void {
  if (principal.role !== 'events') return;
  // Oldest first out: Map iterates in insertion order.
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(hash, { principal, until: now + EVENT_KEY_TTL_MS });
}

export function forgetEventKey(keyId: string): void {
  for (const [hash, entry] of entries) if (entry.principal.keyId === keyId) entries.delete(hash);
}
