/**
 * Signing secrets are encrypted at rest with AES-256-GCM under SECRETS_KEY, and bound to
 * their automation id as additional data, so a ciphertext copied onto another row fails to open.
 * Stored form: `v1.<base64 iv>.<base64 ciphertext+tag>`.
 */
import { BoundedCache, cachedPromise } from '../lib/bounded-cache';
import { base64ToBytes, bytesToBase64, randomBytes, utf8 } from './encoding';

/** Normally one SECRETS_KEY per isolate; a few more during a key rotation. */
const aesKeys = new BoundedCache<string, Promise<CryptoKey>>({ maxEntries: 4 });

export class SecretsKeyError extends Error {
  override name = 'SecretsKeyError';
}

function importKey(secretsKey: string): Promise<CryptoKey> {
  return cachedPromise(aesKeys, secretsKey, async () => {
    let raw: Uint8Array;
    try {
      raw = base64ToBytes(secretsKey.trim());
    } catch {
      throw new SecretsKeyError('SECRETS_KEY must be base64');
    }
    if (raw.length !== 32) throw new SecretsKeyError('SECRETS_KEY must be 32 bytes, base64-encoded');
    return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  });
}

export async function sealSecret(secretsKey: string, plaintext: string, boundTo: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(boundTo) },
    await importKey(secretsKey),
    utf8(plaintext),
  );
  return `v1.${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(sealed))}`;
}

export async function openSecret(secretsKey: string, stored: string, boundTo: string): Promise<string> {
  const [version, iv, data] = stored.split('.');
  if (version !== 'v1' || !iv || !data) throw new SecretsKeyError('stored secret has an unknown format');
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: base64ToBytes(iv), additionalData: utf8(boundTo) },
      await importKey(secretsKey),
      base64ToBytes(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    // Wrong SECRETS_KEY or tampered row; never include the ciphertext in the message.
    throw new SecretsKeyError('stored secret could not be decrypted with SECRETS_KEY');
  }
}
