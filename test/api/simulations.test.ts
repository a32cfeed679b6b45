import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, expectError, OPERATOR, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink, type TestAccount } from '../helpers';

const EVENT_BODY = '{"event": "{{event}}", "call_id": "{{call_id}}", "contact_id": "{{contact_id}}"}';

async function automationFor(account: TestAccount, trigger: string, url: string, overrides: Record<string, unknown> = {}) {
  return createAutomation(account, { name: trigger, trigger, url, body: EVENT_BODY, ...overrides });
}

describe('GET /v1/simulations', () => {
  it('lists the six scenarios, each with catalog triggers in the order they happen', async () => {
    const account = await createAccount();
    const listed = await call('/v1/simulations', { token: account.admin });
    expect(listed.status).toBe(200);
    const triggers = new Set((await call('/v1/triggers', { token: account.admin })).body.data.map((t: { id: string }) => t.id));
    expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([
      'inbound_answered', 'inbound_abandoned', 'missed_to_voicemail', 'outbound_call', 'transferred_call', 'agent_shift',
    ]);
    for (const scenario of listed.body.data) {
      expect(scenario).toMatchObject({ name: expect.any(String), description: expect.any(String) });
      for (const trigger of scenario.triggers) expect(triggers.has(trigger)).toBe(true);
    }
    expect(listed.body.data[0].triggers).toEqual(['inbound_call_ringing', 'inbound_call_started', 'inbound_call_ended', 'inbound_disposition_set', 'csat_score_received']);
    expect((await call('/v1/simulations', { token: account.events })).status).toBe(403);
  });
});

describe('POST /v1/simulations', () => {
  it('sends a call’s events with one fresh call id, in order, as test deliveries that stats never count', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const scenario = (await call('/v1/simulations', { token: account.admin })).body.data[0];
    for (const trigger of scenario.triggers) await automationFor(account, trigger, sinkUrl(bucket));
    // Not in the scenario: gets nothing.
    await automationFor(account, 'call_abandoned', sinkUrl(bucket));
    const run = await call('/v1/simulations', { token: account.admin, body: { scenario: 'inbound_answered' } });
    expect(run.status).toBe(202);
    expect(run.body.call_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.body.events.map((e: { type: string }) => e.type)).toEqual(scenario.triggers);
    expect(run.body.deliveries).toHaveLength(5);

    const received = await waitForSink(bucket, 5);
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(['inbound_call_ringing', 'inbound_call_started', 'call_finished', 'inbound_disposition_set', 'csat_score_received']);
    for (const b of bodies) expect(b.call_id).toBe(run.body.call_id);
    expect(new Set(bodies.map((b) => b.contact_id)).size).toBe(1);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(run.body.deliveries.map((d: { delivery_id: string }) => d.delivery_id));

    for (const d of run.body.deliveries) expect(await waitForDelivery(account, d.delivery_id, ['succeeded'])).toMatchObject({ is_test: true });
    const found = await call(`/v1/deliveries?call_id=${run.body.call_id}`, { token: account.admin });
    expect(found.body.data.map((d: { id: string }) => d.id).sort()).toEqual(run.body.deliveries.map((d: { delivery_id: string }) => d.delivery_id).sort());
    const stats = await call('/v1/account/stats', { token: account.admin });
    expect(stats.body.counts).toMatchObject({ succeeded: 0, failed: 0, open: 0 });
    expect(stats.body.attempts.total).toBe(0);
    // Another run is another call.
    const again = await call('/v1/simulations', { token: account.admin, body: { scenario: 'inbound_answered' } });
    expect(again.body.call_id).not.toBe(run.body.call_id);
    expect(again.body.events.map((e: { event_id: string }) => e.event_id)).not.toContain(run.body.events[0].event_id);
  });

  it('keeps an agent’s status changes in order with per-call ordering on, even when the first must be retried', async () => {
    for (const ordering of ['per_call', 'none'] as const) {
      const account = await createAccount();
      const bucket = unique('b');
      // The first status change (to Available) fails once; with ordering the second waits for its retry.
      await automationFor(account, 'agent_status_changed', sinkUrl(bucket, 'fail_first=1&fail_match=%22Available%22'), {
        body: '{"status": "{{agent_status}}", "agent_id": "{{agent_id}}"}', ordering,
      });
      const run = await call('/v1/simulations', { token: account.admin, body: { scenario: 'agent_shift' } });
      expect(run.body.call_id).toBeNull();
      expect(run.body.deliveries).toHaveLength(2);
      const received = await waitForSink(bucket, 3);
      const statuses = received.map((r) => JSON.parse(r.body).status);
      expect(statuses, ordering).toEqual(ordering === 'per_call' ? ['Available', 'Available', 'Away'] : ['Available', 'Away', 'Available']);
      for (const r of received) expect(JSON.parse(r.body).agent_id).toBe(run.body.agent_id);
      const found = await call(`/v1/deliveries?agent_id=${run.body.agent_id}`, { token: account.admin });
      expect(found.body.data).toHaveLength(2);
    }
  });

  it('sends only to the automations named, even one that is off', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const named = await automationFor(account, 'call_abandoned', sinkUrl(bucket), { enabled: false });
    await automationFor(account, 'inbound_call_ringing', sinkUrl(unique('b')));
    const run = await call('/v1/simulations', { token: account.admin, body: { scenario: 'inbound_abandoned', automation_ids: [named.id] } });
    expect(run.body.deliveries).toEqual([{ delivery_id: expect.any(String), event_id: run.body.events[2].event_id, automation_id: named.id }]);
    const [request] = await waitForSink(bucket, 1);
    expect(JSON.parse(request!.body).call_id).toBe(run.body.call_id);
    expect(await sinkRequests(bucket)).toHaveLength(1);
  });

  it('applies each automation’s conditions, as for real events', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    // The catalog's CSAT score is 4: a task for low scores only gets nothing; one for 4 and up gets it.
    await automationFor(account, 'csat_score_received', sinkUrl(bucket), { conditions: { all: [{ field: 'csat_score', op: 'lte', value: 2 }] } });
    const high = await automationFor(account, 'csat_score_received', sinkUrl(bucket), { conditions: { all: [{ field: 'csat_score', op: 'gte', value: 4 }] } });
    const run = await call('/v1/simulations', { token: account.admin, body: { scenario: 'inbound_answered' } });
    expect(run.body.deliveries.map((d: { automation_id: string }) => d.automation_id)).toEqual([high.id]);
    await waitForSink(bucket, 1);
  });

  it('refuses an unknown scenario, automations that cannot take part, and runs nothing while the integration is off', async () => {
    const account = await createAccount();
    const other = await automationFor(account, 'contact_created', sinkUrl(unique('b')), { body: '{"id": "{{contact_id}}"}' });
    const unknown = expectError(await call('/v1/simulations', { token: account.admin, body: { scenario: 'fax_received' } }), 422, 'validation_failed');
    expect(unknown.details[0]!.path).toBe('scenario');
    const wrong = expectError(await call('/v1/simulations', {
      token: account.admin, body: { scenario: 'outbound_call', automation_ids: [other.id, 'aut_missing'] },
    }), 422, 'validation_failed');
    expect(wrong.details.map((d) => d.path)).toEqual(['automation_ids.0', 'automation_ids.1']);
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    expectError(await call('/v1/simulations', { token: account.admin, body: { scenario: 'outbound_call' } }), 403, 'integration_disabled');
  });
});
