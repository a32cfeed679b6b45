import { Webhook } from 'standardwebhooks';
import { timingSafeEqualText } from '../../src/crypto/encoding';

/**
 * Requests are usually looked at minutes or hours after they arrived, so the timestamp is
 * checked against the time the receiver got the request (not "now") with a generous window.
 * A production receiver should use the standard 5 minutes against its own clock.
 */
export const SIGNATURE_TOLERANCE_SECONDS = 24 * 60 * 60;

export type SignatureCheck =
  | { status: 'verified' }
  | { status: 'invalid'; reason: string }
  | { status: 'unsigned' }
  | { status: 'no_secret' };

/**
 * Signatures are computed by `standardwebhooks`, the Standard Webhooks reference library, so the
 * receiver checks HTTP Notifier's signer instead of sharing its code. Its `verify()` is not used
 * because it judges the timestamp against the current clock with a fixed 5 minutes, and here the
 * check is against the time of arrival (see above).
 */
export async function checkSignature(
  secret: string | null,
  headers: Record<string, string>,
  body: string,
  receivedAtMs: number,
): Promise<SignatureCheck> {
  const signature = headers['webhook-signature'];
  if (signature === undefined) return { status: 'unsigned' };
  if (!secret) return { status: 'no_secret' };
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (!id || !timestamp || !signature) return invalid('missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d+$/.test(timestamp)) return invalid('webhook-timestamp is not a unix time in seconds');
  if (Math.abs(Math.floor(receivedAtMs / 1000) - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return invalid('webhook-timestamp is outside the tolerance window');
  }
  let expected: string;
  try {
    expected = new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), body);
  } catch {
    return invalid('the signing secret is not valid base64');
  }
  // The header may carry several space-separated signatures (e.g. during a secret rotation).
  return signature.split(' ').some((candidate) => timingSafeEqualText(candidate, expected)) ? { status: 'verified' } : invalid('no signature matches');
}

const invalid = (reason: string): SignatureCheck => ({ status: 'invalid', reason });

/** Checks with each candidate secret in turn: verified by any of them, else what the first said. */
export async function checkWithAny(
  secrets: readonly string[],
  headers: Record<string, string>,
  body: string,
  receivedAtMs: number,
): Promise<SignatureCheck> {
  let first: SignatureCheck | null = null;
  for (const secret of secrets) {
    const check = await checkSignature(secret, headers, body, receivedAtMs);
    if (check.status === 'verified') return check;
    first ??= check;
  }
  return first ?? checkSignature(null, headers, body, receivedAtMs);
}
