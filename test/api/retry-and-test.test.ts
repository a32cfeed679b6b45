import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';

describe('POST /v1/deliveries/{id}/retry', () => {
  it('sends a failed delivery again with the same webhook-id and a fresh schedule', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'status=410') });
    const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'R1' } });
    const [first] = await waitForSink(bucket);
    const id = first!.headers['webhook-id']!;
    await waitForDelivery(account, id, ['failed']);
    // 410 turned the automation off; a retry is refused until it is on again.
    const refused = expectError(await call(`/v1/deliveries/${id}/retry`, { method: 'POST', token: account.admin }), 409, 'conflict');
    expect(refused.message).toMatch(/turned off/);
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: true, url: sinkUrl(bucket) } });
    const retried = await call(`/v1/deliveries/${id}/retry`, { method: 'POST', token: account.admin });
    expect(retried).toMatchObject({ status: 202, body: { id, status: 'pending', event_id: posted.body.event_id } });
    const requests = await waitForSink(bucket, 2);
    expect(requests[1]!.headers['webhook-id']).toBe(id);
    expect(JSON.parse(requests[1]!.body).data.call_id).toBe('R1');
    const done = await waitForDelivery(account, id, ['succeeded']);
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([410, 200]);
  });

  it('refuses deliveries that are still scheduled', async () => {
    const account = await createAccount();
    await createAutomation(account, { url: sinkUrl(unique('b'), 'status=500') });
    await postEvent(account, { type: 'inbound_call_ended', data: {} });
    const list = await call('/v1/deliveries', { token: account.admin });
    const delivery = await waitForDelivery(account, list.body.data[0].id, ['retrying']);
    const error = expectError(await call(`/v1/deliveries/${delivery.id}/retry`, { method: 'POST', token: account.admin }), 409, 'conflict');
    expect(error.message).toMatch(/already retrying/);
  });
});

describe('POST /v1/automations/{id}/test', () => {
  it('sends the example data as a real delivery marked as a test, even while the automation is off', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket), enabled: false });
    const sent = await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: { data: { call_id: 'TEST-1' } } });
    expect(sent.status).toBe(202);
    const [request] = await waitForSink(bucket);
    expect(request!.headers['webhook-id']).toBe(sent.body.delivery_id);
    const body = JSON.parse(request!.body);
    expect(body.data.call_id).toBe('TEST-1');
    // Other fields carry the catalog's examples.
    expect(body.data.hold_duration).toMatch(/^\d+$/);
    const delivery = await waitForDelivery(account, sent.body.delivery_id, ['succeeded']);
    expect(delivery.is_test).toBe(true);
    // The automation itself stays off: a real event still makes no delivery.
    expect((await postEvent(account, { type: 'inbound_call_ended', data: {} })).body.deliveries).toBe(0);
  });

  it('accepts an empty request body', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    expect((await call(`/v1/automations/${automation.id}/test`, { method: 'POST', token: account.admin })).status).toBe(202);
    await waitForSink(bucket);
    expect(await sinkRequests(bucket)).toHaveLength(1);
  });
});

describe('secrets at rest and configuration', () => {
  it('stores API keys only as hashes and signing secrets only encrypted', async () => {
    const { env } = await import('cloudflare:workers');
    const account = await createAccount();
    const automation = await createAutomation(account);
    const keys = await env.DB.prepare('SELECT key_hash FROM api_keys WHERE account_id = ?1').bind(account.id).all<{ key_hash: string }>();
    expect(keys.results).toHaveLength(2);
    for (const { key_hash } of keys.results) {
      expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([account.admin, account.events]).not.toContain(key_hash);
    }
    const stored = await env.DB.prepare('SELECT * FROM automations WHERE id = ?1').bind(automation.id).first<Record<string, unknown>>();
    const secretBytes = automation.signing_secret.slice('whsec_'.length);
    expect(JSON.stringify(stored)).not.toContain(secretBytes);
    expect(stored!.secret_ciphertext).toMatch(/^v1\./);
  });

  it('operator endpoints refuse to work when OPERATOR_TOKEN is unset', async () => {
    const { env } = await import('cloudflare:workers');
    const { default: worker } = await import('../../src/index');
    const { createExecutionContext } = await import('cloudflare:test');
    const request = new Request('http://x/v1/accounts', {
      method: 'POST', headers: { authorization: 'Bearer ', 'content-type': 'application/json' }, body: '{"name":"x"}',
    });
    const unset = await worker.fetch(request.clone() as never, { ...env, OPERATOR_TOKEN: undefined }, createExecutionContext());
    expectError({ status: unset.status, body: await unset.json() }, 401, 'unauthorized');
    const withToken = new Request('http://x/v1/accounts', {
      method: 'POST', headers: { authorization: 'Bearer anything', 'content-type': 'application/json' }, body: '{"name":"x"}',
    });
    const refused = await worker.fetch(withToken as never, { ...env, OPERATOR_TOKEN: '' }, createExecutionContext());
    const body = await refused.json();
    expectError({ status: refused.status, body }, 503, 'not_configured');
    expect(JSON.stringify(body)).toMatch(/OPERATOR_TOKEN/);
    expect(OPERATOR).toBe(env.OPERATOR_TOKEN);
  });
});
