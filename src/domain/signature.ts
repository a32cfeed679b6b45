/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
 * decoded bytes of a `whsec_<base64>` secret. Used by the sender and by the local receiver.
 */
import { base64ToBytes, bytesToBase64, randomBytes, timingSafeEqualText, utf8 } from '../crypto/encoding';
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

export interface VerifyResult {
  ok: boolean;
  reason?: string;
}

/**
 * Verifies a received webhook the way a receiver should: every space-separated `v1,` entry
 * of the header is compared in constant time, and the timestamp must be within `toleranceSeconds`.
 */
export async function verifyWebhook(
  secret: string,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): Promise<VerifyResult> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a unix time in seconds' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - Number(timestamp)) > tolerance) return { ok: false, reason: 'webhook-timestamp is outside the tolerance window' };
  let expected: string;
  try {
    expected = await signWebhook(secret, id, Number(timestamp), body);
  } catch {
    return { ok: false, reason: 'the signing secret is not valid base64' };
  }
  for (const candidate of signature.split(' ')) {
    if (timingSafeEqualText(candidate, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no signature matches' };
}
