/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
 * decoded bytes of a `whsec_<base64>` secret. Only the sender is here: receivers, the local one
 * and the tests, verify with the `standardwebhooks` reference library, so a mistake in this
 * signer cannot be mirrored by a verifier sharing its code.
 */
import { base64ToBytes, bytesToBase64, randomBytes, utf8 } from '../crypto/encoding';
import { BoundedCache, cachedPromise } from '../lib/bounded-cache';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + bytesToBase64(randomBytes(32));
}

export function secretKeyBytes(secret: string): Uint8Array {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return base64ToBytes(encoded);
}

/** One imported key per signing secret; a consumer batch sees at most a batch's worth of them. */
const hmacKeys = new BoundedCache<string, Promise<CryptoKey>>({ maxEntries: 1_000 });

function hmacKey(secret: string): Promise<CryptoKey> {
  return cachedPromise(hmacKeys, secret, () =>
    crypto.subtle.importKey('raw', secretKeyBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  );
}

/** The `v1,<base64>` signature of one message. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8(`${id}.${timestamp}.${body}`));
  return `v1,${bytesToBase64(new Uint8Array(mac))}`;
}

/**
 * The `webhook-signature` header: one `v1,…` signature per secret, space-separated, the current
 * secret's first. During a rotation's overlap the previous secrets sign too, so a receiver that
 * knows either secret finds a matching signature (the Standard Webhooks spec allows several).
 */
export async function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): Promise<string> {
  const signatures = await Promise.all(secrets.map((secret) => signWebhook(secret, id, timestamp, body)));
  return signatures.join(' ');
}
