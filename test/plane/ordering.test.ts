/** Per-call ordering, end to end: out-of-order posting, injected failures, calls in parallel. */
import { describe, expect, it, vi } from 'vitest';
import { row } from '../delivery/support';
import { call, createAccount, createAutomation, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, type TestAccount } from '../helpers';

const BODY = '{"call": "{{call_id}}", "step": "{{agent_id}}"}';
const at = (base: number, s: number) => new Date(base + s * 1000).toISOString();

async function post(account: TestAccount, callId: string, step: string, occurredAt: string) {
  const posted = await postEvent(account, { type: 'inbound_call_ended', occurred_at: occurredAt, data: { call_id: callId, agent_id: step } });
  expect(posted.status).toBe(202);
  const { data } = (await call(`/v1/deliveries?event_id=${posted.body.event_id}`, { token: account.admin })).body;
  return data[0].id as string;
}

describe('per-call ordering', () => {
  // A call's events stay in one partition, so ordering holds however many the account has.
  it.each([1, 4])('sends one call’s deliveries in the order the events occurred, through failures, while other calls go on (%i partitions)', async (partitions) => {
    const account = await createAccount();
    if (partitions > 1) await call(`/v1/accounts/${account.id}`, { method: 'PATCH', token: OPERATOR, body: { partitions } });
    const bucket = unique('b');
    // The first two requests about call A fail (503): its first delivery is retried twice.
    await createAutomation(account, { url: sinkUrl(bucket, 'fail_first=2&fail_match=CA-A'), body: BODY, ordering: 'per_call' });
    const base = Date.now() - 60_000;
    // Posted out of order: step 3 first, then 1, then 2.
    const ids = [
      await post(account, 'CA-A', '3', at(base, 3)),
      await post(account, 'CA-A', '1', at(base, 1)),
      await post(account, 'CA-B', '1', at(base, 1)),
      await post(account, 'CA-A', '2', at(base, 2)),
      await post(account, 'CA-B', '2', at(base, 2)),
    ];
    for (const id of ids) await waitForDelivery(account, id, ['succeeded'], 25_000);
    const requests = (await sinkRequests(bucket)).map((r) => ({ ...JSON.parse(r.body), at: r.received_at })) as { call: string; step: string; at: number }[];
    const callA = requests.filter((r) => r.call === 'CA-A');
    // Every request about call A, failed attempts included, in event order.
    expect(callA.map((r) => r.step)).toEqual(['1', '1', '1', '2', '3']);
    const callB = requests.filter((r) => r.call === 'CA-B');
    expect(callB.map((r) => r.step)).toEqual(['1', '2']);
    // Call B did not wait for call A's retries.
    expect(Math.max(...callB.map((r) => r.at))).toBeLessThan(callA[2]!.at);
  }, 40_000);

  it('an automation without ordering sends at once, in parallel; ordering can be switched off', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket, 'fail_first=100&fail_match=CA-X'), body: BODY, ordering: 'per_call' });
    expect(automation.ordering).toBe('per_call');
    const base = Date.now() - 60_000;
    const first = await post(account, 'CA-X', '1', at(base, 1));
    const second = await post(account, 'CA-X', '2', at(base, 2));
    // The first keeps failing (its second attempt is the signal), so the second waits for it…
    await vi.waitUntil(async () => (await call(`/v1/deliveries/${first}`, { token: account.admin })).body.attempt_count >= 2, { timeout: 10_000 });
    expect((await call(`/v1/deliveries/${second}`, { token: account.admin })).body).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect((await row(second, account.id))!.waiting_for).toBe(first);
    // …until ordering is switched off.
    const patched = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { ordering: 'none' } });
    expect(patched.body.ordering).toBe('none');
    const sent = await waitForDelivery(account, second, ['retrying', 'failed'], 10_000);
    expect(sent.attempt_count).toBeGreaterThan(0);
    expect((await call(`/v1/deliveries/${first}`, { token: account.admin })).body.status).not.toBe('succeeded');
  }, 30_000);

  it('refuses an unknown ordering', async () => {
    const account = await createAccount();
    const result = await call('/v1/automations', {
      token: account.admin, body: { trigger: 'inbound_call_ended', url: sinkUrl('x'), body: BODY, ordering: 'fifo' },
    });
    expect(result.status).toBe(422);
    expect(result.body.error.details[0].path).toBe('ordering');
  });
});
