/**
 * Webhooks sent during a rotation's overlap carry one signature per live secret, and a receiver
 * verifying with the Standard Webhooks reference library (no code shared with our signer) accepts
 * them with either secret; once the overlap ends only the new secret signs.
 */
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { call, createAccount, createAutomation, sinkRequests, sinkUrl, unique, type SinkRequest, type TestAccount } from '../helpers';
import { deliver, manualClock, seedDeliveries } from './support';

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

/** Runs `fn` with the Worker's time (Date) at `at`; the account object keeps its own clock. */
async function at<T>(time: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(time);
    return await fn();
  } finally {
    vi.useRealTimers();
  }
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
  return {
    account, bucket, automation, oldSecret, newSecret: rotation.body.signing_secret as string,
    validUntil: Date.parse(rotation.body.previous_valid_until as string),
  };
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
    const { account, bucket, oldSecret, newSecret, validUntil } = await rotated(24);
    // Checked at that time too: a receiver refuses a webhook-timestamp far from its own clock.
    await at(validUntil + 1, async () => expectSignedOnlyBy(await sendOne(account, bucket), newSecret, oldSecret));
  });

  it('the expiry is checked when sending, not only when the account object reads its automations', async () => {
    const { account, bucket, oldSecret, newSecret, validUntil } = await rotated(1);
    // The account object's clock stands still a second before the expiry, so its cached copy of the
    // automation calls the old secret valid; the consumer, sending after the expiry, must not use it.
    await manualClock(account.id, validUntil - 1_000);
    expect(verifies(oldSecret, await sendOne(account, bucket))).toBe(true);
    await at(validUntil + 1, async () => expectSignedOnlyBy(await sendOne(account, bucket), newSecret, oldSecret));
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
