/**
 * The consumer's signing secrets, opened once and kept for a few minutes. Opening one is an
 * AES-GCM decryption per secret and send — in a backlog the same few automations send
 * thousands of times. The isolate holds SECRETS_KEY anyway, so keeping the opened secrets in
 * its memory exposes nothing more. Entries are keyed by the sealed ciphertext itself (a
 * rotation seals a new secret with a fresh IV, so it is a new entry that the very next send
 * uses) and by the automation it is bound to, so a ciphertext copied onto another row still
 * fails to open, exactly as without the cache.
 */
import { openSecret } from '../crypto/secret-box';
import { BoundedCache, cachedPromise } from '../lib/bounded-cache';

/** A batch holds at most 100 deliveries, each with up to 4 live secrets; many batches reuse them. */
const opened = new BoundedCache<string, Promise<string>>({ maxEntries: 1_000, ttlMs: 5 * 60_000 });

/** The secret sealed in `ciphertext` for `automationId`, from the cache or freshly opened (failures are not kept). */
export function openSigningSecret(secretsKey: string, ciphertext: string, automationId: string): Promise<string> {
  // The key is part of the entry too: a ciphertext opened under one SECRETS_KEY says nothing about another.
  return cachedPromise(opened, `${secretsKey}\n${automationId}\n${ciphertext}`, () => openSecret(secretsKey, ciphertext, automationId));
}
