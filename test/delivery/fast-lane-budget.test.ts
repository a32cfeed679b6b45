/**
 * A dead endpoint never holds the fast lane: a fast-lane send that outlasts FAST_LANE_BUDGET_MS
 * is stopped and goes again in the slow lane, without using an attempt, and the destination is
 * marked slow. Real queues, consumer and loopback sink (DELIVERY_TIMEOUT_MS is 1500 here).
 */
import { describe, expect, it, vi } from 'vitest';
import { FAST_LANE_BUDGET_MS } from '../../src/domain/destination-gate';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, type TestAccount } from '../helpers';
import { attempts, row } from './support';

async function deliveryOf(account: TestAccount, callId: string): Promise<string> {
  const posted = await postEvent(account, { type: 'inbound_call_ended', data: { call_id: callId } });
  expect(posted.status).toBe(202);
  const { data } = (await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin })).body;
  return data[0].id as string;
}

describe('the fast lane’s send budget', () => {
  it('moves a send that outlasts it to the slow lane without using an attempt, and marks the destination slow', async () => {
    const account = await createAccount({ partitions: 1 }); // a destination's lane is learnt per object
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    // Answering at once earns the fast lane.
    const first = await deliveryOf(account, 'FL-1');
    await vi.waitUntil(async () => (await row(first, account.id))!.status === 'succeeded', { timeout: 15_000, interval: 50 });

    // The same endpoint stops answering (3 s, past the 1.5 s timeout).
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(bucket, 'delay_ms=3000') } });
    const stuck = await deliveryOf(account, 'FL-2');
    const sentTo = async () => (await sinkRequests(bucket)).filter((r) => r.headers['webhook-id'] === stuck);
    // It went out in the fast lane first…
    await vi.waitUntil(async () => (await sentTo()).length === 1, { timeout: 10_000, interval: 20 });
    // …was stopped at the budget and sent again, same webhook-id, in the slow lane, where the
    // full timeout applies: that is its first attempt.
    const [attempt] = await vi.waitUntil(async () => {
      const list = await attempts(stuck, account.id);
      return list.length > 0 ? list : false;
    }, { timeout: 15_000, interval: 50 });
    expect(attempt).toMatchObject({ attempt: 1, error: 'timed out after 1500 ms' });
    const requests = await sentTo();
    expect(requests).toHaveLength(2);
    // The second request went once the first had run for its budget (four answer times, at least 250 ms), not the whole timeout.
    expect(requests[1]!.received_at - requests[0]!.received_at).toBeGreaterThanOrEqual(FAST_LANE_BUDGET_MS.min - 50);
    expect(requests[1]!.received_at - requests[0]!.received_at).toBeLessThan(1_500);
    const after = (await row(stuck, account.id))!;
    expect(after.lane).toBe('slow');
    expect(after.attempt_count).toBe(1);
    await call(`/v1/automations/${automation.id}`, { method: 'DELETE', token: account.admin });
  }, 45_000);
});
