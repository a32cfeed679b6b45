import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';

describe('POST /v1/events', () => {
  it('fans out to every matching enabled automation, and the webhook arrives signed', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const hook = await createAutomation(account, { url: sinkUrl(bucket), headers: { 'X-Team': 'support' } });
    await createAutomation(account, { url: sinkUrl(bucket), enabled: false });
    await createAutomation(account, { trigger: 'contact_created', url: sinkUrl(bucket), body: '{"c":"{{contact_id}}"}' });

    const posted = await postEvent(account, {
      id: unique('call'),
      type: 'inbound_call_ended',
      data: { call_id: 'CA1', holding_time: 17, in_business_hours: true, agent_id: 'AG"7' },
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ duplicate: false, deliveries: 1 });

    const [request] = await waitForSink(bucket);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^HTTP-Notifier\/\d+\.\d+\.\d+/);
    expect(request!.headers['x-team']).toBe('support');
    expect(JSON.parse(request!.body)).toEqual({
      data: {
        call_id: 'CA1', agent_id: 'AG"7', contact_phone_number: '', contact_id: '', call_duration: '',
        wait_duration: '', hold_duration: '17', total_call_duration: '', during_business_hours: 'true',
      },
    });
    // Verified as a receiver would, with the Standard Webhooks reference library (no code shared
    // with our signer), the secret shown at creation and the raw body as received.
    const receiver = new Webhook(hook.signing_secret);
    expect(receiver.verify(request!.body, request!.headers)).toEqual(JSON.parse(request!.body));
    expect(() => receiver.verify(request!.body.replace('CA1', 'CA2'), request!.headers)).toThrow('No matching signature found');

    const delivery = await waitForDelivery(account, request!.headers['webhook-id']!, ['succeeded']);
    expect(delivery).toMatchObject({ automation_id: hook.id, event_id: posted.body.event_id, attempt_count: 1, last_status_code: 200, next_attempt_at: null });
    expect(delivery.attempts).toEqual([
      {
        attempt: 1, started_at: expect.any(String), duration_ms: expect.any(Number), status_code: 200, error: null, response_body: 'sink answered 200',
        request: { url: hook.url, headers: expect.objectContaining({ 'webhook-id': delivery.id, 'x-team': 'support' }), body: request!.body, body_truncated: false },
      },
    ]);
  });

  it('is idempotent on the event id: a repeat is 200 duplicate with no new deliveries', async () => {
    // The repeat below has another business key: with partitions that may be another object
    // (the partitioned duplicate rule is tested in partitions.test.ts).
    const account = await createAccount({ partitions: 1 });
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    const event = { id: unique('evt'), type: 'inbound_call_ended', data: { call_id: 'X' } };
    expect((await postEvent(account, event)).status).toBe(202);
    const again = await postEvent(account, { ...event, data: { call_id: 'Y' } });
    expect(again).toMatchObject({ status: 200, body: { event_id: event.id, duplicate: true, deliveries: 0 } });
    await waitForSink(bucket);
    const deliveries = await call(`/v1/deliveries?event_id=${event.id}`, { token: account.admin });
    expect(deliveries.body.data).toHaveLength(1);
    // The same id in another account is a different event.
    const other = await createAccount();
    expect((await postEvent(other, event)).body.duplicate).toBe(false);
  });

  it('records events but delivers nothing while the integration is off', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await createAutomation(account, { url: sinkUrl(bucket) });
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: {} });
    expect(posted).toMatchObject({ status: 202, body: { deliveries: 0 } });
    expect((await call('/v1/deliveries', { token: account.admin })).body.data).toEqual([]);
  });

  it('accepts the operator token with account_id', async () => {
    const account = await createAccount();
    await createAutomation(account);
    const posted = await call('/v1/events', { token: OPERATOR, body: { account_id: account.id, type: 'inbound_call_ended', data: {} } });
    expect(posted).toMatchObject({ status: 202, body: { deliveries: 1 } });
    expectError(await call('/v1/events', { token: OPERATOR, body: { type: 'inbound_call_ended', data: {} } }), 422, 'validation_failed');
    expectError(await call('/v1/events', { token: OPERATOR, body: { account_id: 'nope-nope', type: 'inbound_call_ended', data: {} } }), 404, 'not_found');
    const other = await createAccount();
    expectError(await postEvent(account, { account_id: other.id, type: 'inbound_call_ended', data: {} }), 403, 'forbidden');
  });

  it('rejects bad events clearly and stores nothing', async () => {
    const account = await createAccount();
    const unknownType = expectError(await postEvent(account, { type: 'call_exploded', data: {} }), 422, 'validation_failed');
    expect(unknownType.details).toEqual([{ path: 'type', message: expect.stringContaining('call_exploded') }]);
    expectError(await postEvent(account, { type: 'inbound_call_ended' }), 422, 'validation_failed');
    expectError(await postEvent(account, { type: 'inbound_call_ended', data: [] }), 422, 'validation_failed');
    expectError(await postEvent(account, { type: 'inbound_call_ended', data: {}, occurred_at: 'yesterday' }), 422, 'validation_failed');
    expectError(await postEvent(account, { id: 'has space', type: 'inbound_call_ended', data: {} }), 422, 'validation_failed');
    expectError(await call('/v1/events', { token: account.events, rawBody: '{"type":' }), 400, 'invalid_json');
    expectError(await postEvent(account, { type: 'inbound_call_ended', data: { blob: 'x'.repeat(257 * 1024) } }), 413, 'payload_too_large');
    expectError(await call('/v1/events', { token: 'hnk_events_forged', body: { type: 'inbound_call_ended', data: {} } }), 401, 'unauthorized');
    expect((await call('/v1/deliveries', { token: account.admin })).body.data).toEqual([]);
  });
});

describe('deliveries API', () => {
  it('filters by automation, event and status, pages newest first, and is scoped to the account', async () => {
    const account = await createAccount();
    const a = await createAutomation(account, { url: sinkUrl(unique('b')) });
    const b = await createAutomation(account, { url: sinkUrl(unique('b'), 'status=500') });
    const first = await postEvent(account, { type: 'inbound_call_ended', data: {} });
    const second = await postEvent(account, { type: 'inbound_call_ended', data: {} });
    expect(first.body.deliveries).toBe(2);
    const all = await call('/v1/deliveries?limit=3', { token: account.admin });
    expect(all.body.data).toHaveLength(3);
    expect(all.body.next_cursor).not.toBeNull();
    const rest = await call(`/v1/deliveries?limit=3&cursor=${all.body.next_cursor}`, { token: account.admin });
    expect(rest.body).toMatchObject({ data: [expect.any(Object)], next_cursor: null });
    const ids = [...all.body.data, ...rest.body.data].map((d: { id: string }) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const byAutomation = await call(`/v1/deliveries?automation_id=${a.id}`, { token: account.admin });
    expect(byAutomation.body.data.map((d: { automation_id: string }) => d.automation_id)).toEqual([a.id, a.id]);
    const byEvent = await call(`/v1/deliveries?event_id=${second.body.event_id}`, { token: account.admin });
    expect(byEvent.body.data.map((d: { automation_id: string }) => d.automation_id).sort()).toEqual([a.id, b.id].sort());
    await waitForDelivery(account, byAutomation.body.data[0].id, ['succeeded']);
    const succeeded = await call(`/v1/deliveries?status=succeeded&automation_id=${a.id}`, { token: account.admin });
    expect(succeeded.body.data.length).toBeGreaterThanOrEqual(1);
    expect(succeeded.body.data.every((d: { status: string }) => d.status === 'succeeded')).toBe(true);
    expectError(await call('/v1/deliveries?status=lost', { token: account.admin }), 422, 'validation_failed');

    const other = await createAccount();
    expect((await call('/v1/deliveries', { token: other.admin })).body.data).toEqual([]);
    expectError(await call(`/v1/deliveries/${ids[0]}`, { token: other.admin }), 404, 'not_found');
    expectError(await call(`/v1/deliveries/${ids[0]}/retry`, { method: 'POST', token: other.admin }), 404, 'not_found');
  });
});
