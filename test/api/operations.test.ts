/** Failure notices, auto-disable and the operations webhook, through the API and the real queues. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, sinkUrl, unique, waitForSink, type TestAccount } from '../helpers';
import { deliver, inPlane, manualClock, nextAttempt, row, seedDeliveries } from '../delivery/support';

const H = 3_600_000;

async function withOperationsHook(account: TestAccount) {
  const bucket = unique('ops');
  const set = await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url: sinkUrl(bucket) } });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  return { bucket, secret: set.body.signing_secret as string };
}

/** The operations webhooks received, each checked with an independent Standard Webhooks implementation. */
async function operationsWebhooks(bucket: string, secret: string, count: number) {
  const requests = await waitForSink(bucket, count, 15_000);
  return requests.map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> });
}

async function notices(account: TestAccount) {
  return (await call('/v1/account/notices', { token: account.admin })).body.data as
    { type: string; automation_id: string; delivery_id: string; message: string; details: Record<string, unknown> | null }[];
}

describe('operations webhook setting', () => {
  it('is set, read back with the same secret, and removed; its URL is checked like a target URL', async () => {
    const account = await createAccount();
    expect((await call('/v1/account/operations-webhook', { token: account.admin })).body).toEqual({ url: null, signing_secret: null });
    const { secret } = await withOperationsHook(account);
    expect(secret).toMatch(/^whsec_/);
    const read = await call('/v1/account/operations-webhook', { token: account.admin });
    expect(read.body.signing_secret).toBe(secret);
    // A new URL keeps the secret.
    const moved = await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url: sinkUrl('elsewhere') } });
    expect(moved.body.signing_secret).toBe(secret);
    const removed = await call('/v1/account/operations-webhook', { method: 'PUT', token: account.admin, body: { url: null } });
    expect(removed.body).toEqual({ url: null, signing_secret: null });
  });

  it('refuses private targets, bad bodies, events keys and an account with the integration off', async () => {
    const account = await createAccount();
    const put = (body: unknown, token = account.admin) => call('/v1/account/operations-webhook', { method: 'PUT', token, body });
    const privateUrl = expectError(await put({ url: 'http://10.0.0.1/hook' }), 422, 'validation_failed');
    expect(privateUrl.details[0]).toMatchObject({ path: 'url', message: expect.stringMatching(/private/) });
    expectError(await put({ url: 'not a url' }), 422, 'validation_failed');
    expectError(await put({}), 422, 'validation_failed');
    expectError(await put({ url: sinkUrl('x'), extra: true }), 422, 'validation_failed');
    expectError(await put({ url: sinkUrl('x') }, account.events), 403, 'forbidden');
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    expectError(await put({ url: sinkUrl('x') }), 403, 'integration_disabled');
  });
});

describe('notices', () => {
  it('delivery.exhausted when every attempt failed, sent signed to the operations webhook', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=500') });
    const ops = await withOperationsHook(account);
    const clock = await manualClock(account.id);
    const [id] = await seedDeliveries(account, { call_id: 'CA42' }, clock.now());
    // The schedule here allows 4 attempts: the first, then each retry when the clock reaches it.
    await deliver([id!]);
    for (let attempt = 2; attempt <= 4; attempt++) await nextAttempt(account.id, id!, clock);
    expect(await row(id!)).toMatchObject({ status: 'failed', attempt_count: 4 });
    const [webhook] = await operationsWebhooks(ops.bucket, ops.secret, 1);
    expect(webhook).toMatchObject({ type: 'delivery.exhausted', data: { account_id: account.id, automation_id: automation.id, delivery_id: id } });
    expect(webhook!.data.message).toMatch(/Every attempt failed; the last: receiver answered 500/);
    // The same as data, for a receiver that acts on it without reading the words.
    const details = { last_error: expect.stringMatching(/^receiver answered 500/), last_status_code: 500 };
    expect(webhook!.data.details).toEqual(details);
    expect(await notices(account)).toMatchObject([{ type: 'delivery.exhausted', automation_id: automation.id, delivery_id: id, message: webhook!.data.message, details }]);
  });

  it('delivery.recovered when a delivery succeeds after earlier failures; nothing for a first-time success', async () => {
    const account = await createAccount();
    // The bucket's first request fails (503), every later one succeeds.
    await createAutomation(account, { url: sinkUrl(unique('b'), 'fail_first=1') });
    const ops = await withOperationsHook(account);
    const clock = await manualClock(account.id);
    const [retried, first] = [...(await seedDeliveries(account, {}, clock.now())), ...(await seedDeliveries(account, {}, clock.now()))];
    await deliver([retried!]);
    expect(await row(retried!)).toMatchObject({ status: 'retrying', attempt_count: 1 });
    await deliver([first!]);
    expect(await row(first!)).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(await nextAttempt(account.id, retried!, clock)).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    const [webhook] = await operationsWebhooks(ops.bucket, ops.secret, 1);
    expect(webhook).toMatchObject({ type: 'delivery.recovered', data: { delivery_id: retried, details: { attempt: 2 } } });
    // Both deliveries are settled, and notices are written with their outcomes: this is all of them.
    expect((await notices(account)).map((n) => n.type)).toEqual(['delivery.recovered']);
  });

  it('automation.failing after 24 h of failures (visible on the automation), cleared by the next success', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    // The first two requests fail (503), later ones succeed.
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'fail_first=2') });
    const ops = await withOperationsHook(account);
    const clock = await manualClock(account.id);
    const streak = clock.now();
    const [early] = await seedDeliveries(account, {}, clock.now());
    await deliver([early!]);
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.failing_since).toBeNull();
    // A day and an hour later, still failing.
    clock.advance(25 * H);
    const [id] = await seedDeliveries(account, {}, clock.now());
    await deliver([id!]);
    const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(Date.parse(read.body.failing_since)).toBe(streak);
    const [webhook] = await operationsWebhooks(ops.bucket, ops.secret, 1);
    expect(webhook).toMatchObject({ type: 'automation.failing', data: { automation_id: automation.id, details: { since: new Date(streak).toISOString() } } });
    // The retry (the sink now answers 200) ends the streak.
    expect(await nextAttempt(account.id, id!, clock)).toMatchObject({ status: 'succeeded' });
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.failing_since).toBeNull();
  });

  it('automation.disabled after AUTO_DISABLE_AFTER_HOURS of failures on two days, with the reason', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=503') });
    const ops = await withOperationsHook(account);
    const clock = await manualClock(account.id);
    const streak = clock.now();
    const [early] = await seedDeliveries(account, {}, clock.now());
    await deliver([early!]);
    // Five days and an hour later (so failures on two days), still failing.
    clock.advance(121 * H);
    const [id] = await seedDeliveries(account, {}, clock.now());
    await deliver([id!]);
    const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(read.body).toMatchObject({ enabled: false, failing_since: null, disabled_reason: expect.stringMatching(/every attempt to deliver to your endpoint has failed since .* \(5 days\)/) });
    const cause = { kind: 'failing', since: new Date(streak).toISOString(), hours: 121 };
    expect(read.body.disabled_cause).toEqual(cause);
    const webhooks = await operationsWebhooks(ops.bucket, ops.secret, 1);
    expect(webhooks.map((w) => w.type)).toContain('automation.disabled');
    expect(webhooks.find((w) => w.type === 'automation.disabled')!.data.details).toEqual({ cause });
    // Its retry was cancelled with the automation.
    await vi.waitUntil(async () => (await row(id!))!.status === 'cancelled', { timeout: 10_000 });
  });

  it('automation.disabled on 410 Gone; test sends and the operations webhook itself make no notices', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=410') });
    const test = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: {} });
    expect(test.status).toBe(202);
    await vi.waitUntil(async () => (await call(`/v1/deliveries/${test.body.delivery_id}`, { token: account.admin })).body.status === 'failed', { timeout: 10_000 });
    expect(await notices(account)).toEqual([]);
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: true } });
    const ops = await withOperationsHook(account);
    const clock = await manualClock(account.id);
    const [id] = await seedDeliveries(account, {}, clock.now());
    const logged = vi.spyOn(console, 'log');
    await deliver([id!]);
    const [webhook] = await operationsWebhooks(ops.bucket, ops.secret, 1);
    const cause = { kind: 'gone', at: new Date(clock.now()).toISOString(), delivery_id: id };
    expect(webhook).toMatchObject({ type: 'automation.disabled', data: { automation_id: automation.id, delivery_id: id, details: { cause } } });
    // The notice links its delivery itself; the reason served with the automation names it.
    expect(webhook!.data.message).not.toContain(id);
    const read = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(read.body).toMatchObject({ enabled: false, disabled_cause: cause, disabled_reason: expect.stringContaining(`(delivery ${id})`) });
    // Operators see it too: one structured line.
    const lines = logged.mock.calls
      .flatMap(([line]) => (typeof line === 'string' && line.includes('"automation disabled"') ? [JSON.parse(line)] : []))
      .filter((line) => line.account_id === account.id);
    logged.mockRestore();
    expect(lines).toEqual([{ msg: 'automation disabled', account_id: account.id, automation_id: automation.id, cause: 'gone' }]);
  });
});
