/**
 * Secret rotation with overlap. After a rotation the previous signing secret keeps signing,
 * alongside the new one, until its `validUntil`: every webhook of the overlap carries one
 * signature per live secret (Standard Webhooks allows several in one header), so a receiver can
 * switch to the new secret at its own pace. Pure rules: the secrets are opaque ciphertexts here.
 */

export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 168;
/**
 * At most this many previous secrets sign at once. Rotating again while that many are live drops
 * the one rotated out longest ago rather than refusing: a leaked secret must always be
 * replaceable at once, and a receiver still on a secret three rotations old has had its warning.
 */
export const MAX_PREVIOUS_SECRETS = 3;

const HOUR_MS = 3_600_000;

export interface PreviousSecret {
  ciphertext: string;
  /** Epoch ms: from then on it no longer signs. */
  validUntil: number;
}

/** The previous secrets that still sign at `now`, in the stored order (most recently rotated out first). */
export function liveSecrets(previous: readonly PreviousSecret[], now: number): PreviousSecret[] {
  return previous.filter((secret) => secret.validUntil > now);
}

/**
 * The previous secrets after replacing the current one (`outgoing`) at `now`: it joins them for
 * `overlapHours` (not at all for 0), expired ones are forgotten, and the oldest beyond
 * MAX_PREVIOUS_SECRETS is dropped. `previousValidUntil`: when `outgoing` stops signing.
 */
export function rotate(
  previous: readonly PreviousSecret[],
  outgoing: string,
  overlapHours: number,
  now: number,
): { previous: PreviousSecret[]; previousValidUntil: number } {
  const validUntil = now + overlapHours * HOUR_MS;
  const kept = liveSecrets(previous, now);
  const next = overlapHours > 0 ? [{ ciphertext: outgoing, validUntil }, ...kept] : kept;
  return { previous: next.slice(0, MAX_PREVIOUS_SECRETS), previousValidUntil: validUntil };
}

/** The stored form (a JSON column): `[{"ciphertext", "valid_until"}]`. */
export function encodePreviousSecrets(previous: readonly PreviousSecret[]): string {
  return JSON.stringify(previous.map((secret) => ({ ciphertext: secret.ciphertext, valid_until: secret.validUntil })));
}

/** Reads the stored form; entries of another shape are left out (only this module writes it). */
export function decodePreviousSecrets(stored: string | null | undefined): PreviousSecret[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { ciphertext, valid_until } = entry as Record<string, unknown>;
    return typeof ciphertext === 'string' && typeof valid_until === 'number' ? [{ ciphertext, validUntil: valid_until }] : [];
  });
}
