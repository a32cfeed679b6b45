import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('max_age_seconds', () => {
  it('is saved, returned, changed and cleared; out-of-range values are 422 naming the field', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account, { max_age_seconds: 600 });
    expect(automation.max_age_seconds).toBe(600);
    expect((await createAutomation(account)).max_age_seconds).toBeNull();
    const patched = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { max_age_seconds: 86_400 } });
    expect(patched.body.max_age_seconds).toBe(86_400);
    const cleared = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { max_age_seconds: null } });
    expect(cleared.body.max_age_seconds).toBeNull();
    for (const bad of [0, 86_401, 1.5, '60']) {
      const error = expectError(
        await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { max_age_seconds: bad } }), 422, 'validation_failed',
      );
      expect(error.details.map((d) => d.path)).toContain('max_age_seconds');
    }
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.max_age_seconds).toBeNull();
  });

  it('expires an event already older than the max age when posted, without sending it; a fresh one goes', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket), max_age_seconds: 60 });
    const occurredAt = ago(120_000);
    const old = await postEvent(account, { type: 'inbound_call_ended', occurred_at: occurredAt, data: { call_id: 'OLD-1' } });
    expect(old.status).toBe(202);
    expect(old.body.deliveries).toBe(1);
    const fresh = await postEvent(account, { type: 'inbound_call_ended', occurred_at: ago(30_000), data: { call_id: 'FRESH-1' } });
    const oldDelivery = (await call(`/v1/deliveries?event_id=${old.body.event_id}`, { token: account.admin })).body.data[0];
    const expired = await waitForDelivery(account, oldDelivery.id, ['expired']);
    expect(expired).toMatchObject({ attempt_count: 0, last_error: expect.stringMatching(/expired/), next_attempt_at: null, attempts: [] });
    expect(Date.parse(expired.expires_at)).toBe(Date.parse(occurredAt) + 60_000);
    // The fresh event arrives; the old one never does.
    await waitForSink(bucket, 1);
    const freshDelivery = (await call(`/v1/deliveries?event_id=${fresh.body.event_id}`, { token: account.admin })).body.data[0];
    await waitForDelivery(account, freshDelivery.id, ['succeeded']);
    const received = await sinkRequests(bucket);
    expect(received.map((r) => JSON.parse(r.body).data.call_id)).toEqual(['FRESH-1']);
    // The status filter and the stats know it; it cannot be sent again.
    const listed = await call('/v1/deliveries?status=expired', { token: account.admin });
    expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([oldDelivery.id]);
    const stats = await call('/v1/account/stats', { token: account.admin });
    expect(stats.body.counts).toMatchObject({ succeeded: 1, expired: 1, failed: 0 });
    expect(stats.body.success_rate).toBe(0.5);
    expect(stats.body.series.points.at(-1)).toMatchObject({ succeeded: 1, expired: 1 });
    const retry = expectError(await call(`/v1/deliveries/${oldDelivery.id}/retry`, { method: 'POST', token: account.admin }), 409, 'conflict');
    expect(retry.message).toMatch(/expired/);
  });

  it('ends a failing delivery as expired once its next retry would fall after the max age: never sent late', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    // RETRY_SCHEDULE is 1,2,3 s here (±20 %): attempts at about 0 s and 1 s fit in 2.5 s; the third (about 3 s) would not.
    await createAutomation(account, { url: sinkUrl(bucket, 'status=500'), max_age_seconds: 2 });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'LATE-1' } });
    const id = (await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin })).body.data[0].id;
    const done = await waitForDelivery(account, id, ['expired', 'failed']);
    expect(done.status).toBe('expired');
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500]);
    expect(done.last_error).toMatch(/expired/);
    expect(await sinkRequests(bucket)).toHaveLength(2);
    const stats = await call('/v1/account/stats', { token: account.admin });
    expect(stats.body.counts).toMatchObject({ expired: 1, failed: 0, retried: 1 });
  });

  it('exempts test sends', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket), max_age_seconds: 1 });
    const sent = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: {} });
    const delivery = await waitForDelivery(account, sent.body.delivery_id, ['succeeded']);
    expect(delivery.expires_at).toBeNull();
  });
});
