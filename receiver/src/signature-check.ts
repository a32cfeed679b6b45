import { verifyWebhook } from '../../src/domain/signature';

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

export async function checkSignature(
  secret: string | null,
  headers: Record<string, string>,
  body: string,
  receivedAtMs: number,
): Promise<SignatureCheck> {
  const signature = headers['webhook-signature'];
  if (signature === undefined) return { status: 'unsigned' };
  if (!secret) return { status: 'no_secret' };
  const result = await verifyWebhook(
    secret,
    { id: headers['webhook-id'] ?? null, timestamp: headers['webhook-timestamp'] ?? null, signature },
    body,
    { nowSeconds: Math.floor(receivedAtMs / 1000), toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS },
  );
  return result.ok ? { status: 'verified' } : { status: 'invalid', reason: result.reason ?? 'no signature matches' };
}
