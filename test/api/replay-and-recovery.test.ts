import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';
import { row, seedLog } from '../delivery/support';

describe('deliveries by business key', () => {
  it('lists every delivery of a call across automations, and only that call’s', async () => {
    const account = await createAccount();
    const [one, two] = [await createAutomation(account), await createAutomation(account)];
    const ca42 = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA42', contact_id: 'CT7', agent_id: 'AG1' } });
    await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA43', contact_id: 'CT7', agent_id: 'AG2' } });
    await postEvent(account, { type: 'contact_created', data: { contact_id: 'CT7' } });
    const byCall = await call('/v1/deliveries?call_id=CA42', { token: account.admin });
    expect(byCall.status).toBe(200);
    expect(byCall.body.data).toHaveLength(2);
    expect(new Set(byCall.body.data.map((d: { automation_id: string }) => d.automation_id))).toEqual(new Set([one.id, two.id]));
    expect(byCall.body.data.every((d: { event_id: string }) => d.event_id === ca42.body.event_id)).toBe(true);
    expect((await call('/v1/deliveries?contact_id=CT7', { token: account.admin })).body.data).toHaveLength(4);
    expect((await call('/v1/deliveries?agent_id=AG2', { token: account.admin })).body.data).toHaveLength(2);
    expect((await call('/v1/deliveries?call_id=CA99', { token: account.admin })).body.data).toEqual([]);
    // Another account's call of the same id is not found.
    const other = await createAccount();
    expect((await call('/v1/deliveries?call_id=CA42', { token: other.admin })).body.data).toEqual([]);
  });

  it('takes one business key at a time, of sane length', async () => {
    const account = await createAccount();
    const both = expectError(await call('/v1/deliveries?call_id=A&agent_id=B', { token: account.admin }), 422, 'validation_failed');
    expect(both.details.map((d) => d.path).sort()).toEqual(['agent_id', 'call_id']);
    expectError(await call(`/v1/deliveries?call_id=${'x'.repeat(200)}`, { token: account.admin }), 422, 'validation_failed');
  });
});

describe('POST /v1/events/{id}/replay', () => {
  it('sends the stored event again to every matching automation, as new deliveries marked as replays', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    await createAutomation(account, { url: sinkUrl(unique('b')), trigger: 'contact_created', body: '{"c": "{{contact_id}}"}' });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA42' } });
    const [original] = await waitForSink(bucket, 1);
    const replayed = await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: {} });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(202);
    expect(replayed.body).toMatchObject({ event_id: posted.body.event_id, deliveries: 1 });
    const [id] = replayed.body.delivery_ids;
    const done = await waitForDelivery(account, id, ['succeeded']);
    expect(done).toMatchObject({ replay: true, automation_id: automation.id, event_id: posted.body.event_id });
    const requests = await waitForSink(bucket, 2);
    expect(requests[1]!.headers['webhook-id']).toBe(id);
    expect(requests[1]!.body).toBe(original!.body);
    const log = await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin });
    expect(log.body.data.map((d: { replay: boolean }) => d.replay).sort()).toEqual([false, true]);
  });

  it('sends only to the given automations, which must be on and of the event’s trigger', async () => {
    const account = await createAccount();
    const [a, b] = [await createAutomation(account), await createAutomation(account)];
    const contact = await createAutomation(account, { trigger: 'contact_created', body: '{"c": "{{contact_id}}"}' });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA1' } });
    const only = await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: { automation_ids: [b.id, b.id] } });
    expect(only.status).toBe(202);
    expect(only.body.deliveries).toBe(1);
    const wrong = expectError(
      await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: { automation_ids: [a.id, contact.id, 'aut_nope'] } }),
      422, 'validation_failed',
    );
    expect(wrong.details.map((d) => d.path)).toEqual(['automation_ids.1', 'automation_ids.2']);
    await call(`/v1/automations/${a.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    const off = expectError(await call(`/v1/events/${posted.body.event_id}/replay`, { token: account.admin, body: { automation_ids: [a.id] } }), 422, 'validation_failed');
    expect(off.details[0]!.message).toMatch(/turned off/);
  });

  it('refuses unknown events, bad bodies, events keys, and an account with the integration off', async () => {
    const account = await createAccount();
    await createAutomation(account);
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: {} });
    const path = `/v1/events/${posted.body.event_id}/replay`;
    expectError(await call('/v1/events/evt_unknown/replay', { token: account.admin, body: {} }), 404, 'not_found');
    expectError(await call(path, { token: account.admin, body: { automation_ids: 'all' } }), 422, 'validation_failed');
    expectError(await call(path, { token: account.admin, body: { automation_ids: [] } }), 422, 'validation_failed');
    expectError(await call(path, { token: account.admin, body: { extra: 1 } }), 422, 'validation_failed');
    expectError(await call(path, { token: account.events, body: {} }), 403, 'forbidden');
    const other = await createAccount();
    expectError(await call(path, { token: other.admin, body: {} }), 404, 'not_found');
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    expectError(await call(path, { token: account.admin, body: {} }), 403, 'integration_disabled');
  });
});

describe('POST /v1/automations/{id}/recover', () => {
  async function failedDeliveries(count: number, createdAt = Date.now() - 3_600_000) {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    // Failed deliveries in the log, as a long outage leaves them (every attempt used).
    const ids = await seedLog(account, Array.from({ length: count }, (_, i) => ({
      automation: automation.id, status: 'failed' as const, at: createdAt + i, attemptCount: 8, lastError: 'receiver answered 500',
      destination: new URL(automation.url).origin,
    })));
    return { account, automation, bucket, ids };
  }

  it('sends again every failed delivery of the window, with the same webhook-ids and a fresh schedule', async () => {
    const { account, automation, bucket, ids } = await failedDeliveries(3);
    const since = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const result = await call(`/v1/automations/${automation.id}/recover`, { token: account.admin, body: { since } });
    expect(result.status, JSON.stringify(result.body)).toBe(202);
    expect(result.body).toEqual({ recovered: 3, more: false, next_since: null });
    const requests = await waitForSink(bucket, 3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    for (const id of ids) expect(await waitForDelivery(account, id, ['succeeded'])).toMatchObject({ attempt_count: 9 });
    // Nothing failed is left, so a second call resends nothing.
    expect((await call(`/v1/automations/${automation.id}/recover`, { token: account.admin, body: { since } })).body.recovered).toBe(0);
  });

  it('leaves deliveries outside the window alone', async () => {
    const { account, automation, bucket, ids } = await failedDeliveries(2, Date.now() - 5 * 3_600_000);
    const result = await call(`/v1/automations/${automation.id}/recover`, {
      token: account.admin, body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(result.body.recovered).toBe(0);
    const until = await call(`/v1/automations/${automation.id}/recover`, {
      token: account.admin,
      body: { since: new Date(Date.now() - 10 * 3_600_000).toISOString(), until: new Date(Date.now() - 6 * 3_600_000).toISOString() },
    });
    expect(until.body.recovered).toBe(0);
    // Recovery reopens in the call itself: what it left alone is still failed, with no new attempt.
    for (const id of ids) expect(await row(id, account.id)).toMatchObject({ status: 'failed', attempt_count: 8, dispatch_token: null });
    expect(await sinkRequests(bucket)).toEqual([]);
  });

  it('refuses a window too old or upside down, an automation that is off, unknown ids and bad bodies', async () => {
    const { account, automation } = await failedDeliveries(1);
    const path = `/v1/automations/${automation.id}/recover`;
    const day = 86_400_000;
    const old = expectError(await call(path, { token: account.admin, body: { since: new Date(Date.now() - 15 * day).toISOString() } }), 422, 'validation_failed');
    expect(old.details).toEqual([{ path: 'since', message: 'at most 14 days ago' }]);
    const upside = expectError(await call(path, {
      token: account.admin, body: { since: new Date(Date.now() - day).toISOString(), until: new Date(Date.now() - 2 * day).toISOString() },
    }), 422, 'validation_failed');
    expect(upside.details).toEqual([{ path: 'since', message: 'must be before until' }]);
    expectError(await call(path, { token: account.admin, body: {} }), 422, 'validation_failed');
    expectError(await call(path, { token: account.admin, body: { since: 'yesterday' } }), 422, 'validation_failed');
    expectError(await call('/v1/automations/aut_nope/recover', { token: account.admin, body: { since: new Date().toISOString() } }), 404, 'not_found');
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    const off = expectError(await call(path, { token: account.admin, body: { since: new Date(Date.now() - day).toISOString() } }), 409, 'conflict');
    expect(off.message).toMatch(/turned off/);
  });
});
