/**
 * Webhooks sent during a rotation's overlap carry one signature per live secret, and a receiver
 * verifying with the Standard Webhooks reference library (no code shared with our signer) accepts
 * them with either secret; once the overlap ends only the new secret signs.
 */
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, sinkRequests, sinkUrl, unique, type SinkRequest, type TestAccount } from '../helpers';
import { deliver, plane, seedDeliveries } from './support';

const verifies = (secret: string, request: SinkRequest) => {
  try {
    new Webhook(secret).verify(request.body, request.headers);
    return true;
  } catch {
    return false;
  }
};

/** Signed by `current` alone: one signature, which `previous` does not verify. */
function expectSignedOnlyBy(request: SinkRequest, current: string, previous: string) {
  expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  expect(verifies(current, request)).toBe(true);
  expect(verifies(previous, request)).toBe(false);
}

/** Sends one seeded delivery and returns the request the sink received. */
async function sendOne(account: TestAccount, bucket: string): Promise<SinkRequest> {
  const seen = (await sinkRequests(bucket)).length;
  const [id] = await seedDeliveries(account, { call_id: unique('CA') });
  expect((await deliver([id!])).explicitAcks).toEqual(['msg-0']);
  const requests = await sinkRequests(bucket);
  expect(requests).toHaveLength(seen + 1);
  return requests[seen]!;
}

/** Moves the previous secrets' expiry in D1, then tells the account object, as an API change would. */
async function setValidUntil(account: TestAccount, automationId: string, validUntil: number) {
  const row = await env.DB.prepare('SELECT previous_secrets FROM automations WHERE id = ?1').bind(automationId).first<{ previous_secrets: string }>();
  const moved = (JSON.parse(row!.previous_secrets) as { valid_until: number }[]).map((s) => ({ ...s, valid_until: validUntil }));
  await env.DB.prepare('UPDATE automations SET previous_secrets = ?2 WHERE id = ?1').bind(automationId, JSON.stringify(moved)).run();
  await plane(account.id).automationsChanged(account.id);
}

async function rotated(overlapHours: number) {
  const account = await createAccount();
  const bucket = unique('b');
  const automation = await createAutomation(account, { url: sinkUrl(bucket) });
  const oldSecret = automation.signing_secret;
  // Before: one signature. This also fills the account object's cached automations, so what
  // follows sees the rotation only because the API told the object about it, and the consumer's
  // opened secrets, so what follows is signed with the new secret only because that cache is
  // keyed by the ciphertext (one keyed by the automation alone would sign with the old one).
  const before = await sendOne(account, bucket);
  expect(before.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  expect(verifies(oldSecret, before)).toBe(true);
  const rotation = await call(`/v1/automations/${automation.id}/secret/rotate`, { token: account.admin, body: { previous_valid_for_hours: overlapHours } });
  expect(rotation.status).toBe(200);
  return { account, bucket, automation, oldSecret, newSecret: rotation.body.signing_secret as string };
}

describe('signing during a secret rotation', () => {
  it('during the overlap every webhook carries both signatures, the new one first, and verifies with either secret', async () => {
    const { account, bucket, oldSecret, newSecret } = await rotated(24);
    const request = await sendOne(account, bucket);
    const signatures = request.headers['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifies(newSecret, request)).toBe(true);
    expect(verifies(oldSecret, request)).toBe(true);
    // Each entry is the signature of one secret, the new secret's first.
    const only = (signature: string) => ({ ...request.headers, 'webhook-signature': signature });
    expect(verifies(newSecret, { ...request, headers: only(signatures[0]!) })).toBe(true);
    expect(verifies(oldSecret, { ...request, headers: only(signatures[1]!) })).toBe(true);
    expect(verifies(oldSecret, { ...request, headers: only(signatures[0]!) })).toBe(false);
    // And a secret that never was this automation's is refused.
    expect(verifies((await createAutomation(account)).signing_secret, request)).toBe(false);
  });

  it('after the overlap only the new secret signs', async () => {
    const { account, automation, bucket, oldSecret, newSecret } = await rotated(24);
    await setValidUntil(account, automation.id, Date.now() - 1);
    const request = await sendOne(account, bucket);
    expectSignedOnlyBy(request, newSecret, oldSecret);
  });

  it('the expiry is checked when sending, not only when the account object reads its automations', async () => {
    const { account, automation, bucket, oldSecret, newSecret } = await rotated(24);
    // The object's cached copy says "valid for another 1.5 s"; sent after that, only the new one signs.
    await setValidUntil(account, automation.id, Date.now() + 1500);
    expect(verifies(oldSecret, await sendOne(account, bucket))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const later = await sendOne(account, bucket);
    expectSignedOnlyBy(later, newSecret, oldSecret);
  });

  it('with no overlap the next webhook is signed with the new secret only', async () => {
    const { account, bucket, oldSecret, newSecret } = await rotated(0);
    const request = await sendOne(account, bucket);
    expectSignedOnlyBy(request, newSecret, oldSecret);
  });

  it('up to three previous secrets sign alongside the current one', async () => {
    const { account, automation, bucket, oldSecret, newSecret } = await rotated(24);
    const secrets = [oldSecret, newSecret];
    for (let i = 0; i < 2; i++) {
      const next = await call(`/v1/automations/${automation.id}/secret/rotate`, { token: account.admin, body: {} });
      secrets.push(next.body.signing_secret);
    }
    const request = await sendOne(account, bucket);
    expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(4);
    for (const secret of secrets) expect(verifies(secret, request), secret).toBe(true);
  });
});
