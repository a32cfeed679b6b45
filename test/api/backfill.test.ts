import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { planeFor, planeKey } from '../../src/plane/client';
import { call, createAccount, createAutomation, expectError, OPERATOR, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink } from '../helpers';

const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function deliveriesOf(account: { admin: string }, automationId: string) {
  return (await call(`/v1/deliveries?automation_id=${automationId}&limit=200`, { token: account.admin })).body.data as
    { id: string; event_id: string; backfill: boolean; status: string }[];
}

describe('POST /v1/automations/{id}/backfill', () => {
  it('sends a new automation the stored events of its trigger, marked backfill; run again, it sends nothing twice', async () => {
    const account = await createAccount();
    const since = iso(Date.now() - HOUR_MS);
    // The morning's calls, before the automation existed (one of another trigger, one already delivered later).
    const posted = [];
    for (const call_id of ['BF-1', 'BF-2', 'BF-3']) posted.push((await postEvent(account, { type: 'inbound_call_ended', data: { call_id } })).body.event_id);
    await postEvent(account, { type: 'call_missed', data: { call_id: 'BF-OTHER' } });
    const bucket = unique('b');
    const automation = await createAutomation(account, { url: sinkUrl(bucket) });
    const live = (await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'BF-LIVE' } })).body.event_id;
    await waitForSink(bucket, 1);

    const first = await call(`/v1/automations/${automation.id}/backfill`, { token: account.admin, body: { since } });
    expect(first).toMatchObject({ status: 202, body: { backfilled: 3, more: false, next_since: null } });
    const received = await waitForSink(bucket, 4);
    expect(received.map((r) => JSON.parse(r.body).data.call_id).sort()).toEqual(['BF-1', 'BF-2', 'BF-3', 'BF-LIVE']);
    const deliveries = await deliveriesOf(account, automation.id);
    expect(deliveries).toHaveLength(4);
    for (const d of deliveries) expect(d.backfill).toBe(d.event_id !== live);
    expect(deliveries.filter((d) => d.backfill).map((d) => d.event_id).sort()).toEqual([...posted].sort());
    for (const d of deliveries) await waitForDelivery(account, d.id, ['succeeded']);

    // Again, and again with no end: every event has its delivery, so nothing is sent twice.
    const again = await call(`/v1/automations/${automation.id}/backfill`, { token: account.admin, body: { since, until: iso(Date.now() + 1000) } });
    expect(again).toMatchObject({ status: 202, body: { backfilled: 0, more: false, next_since: null } });
    expect(await deliveriesOf(account, automation.id)).toHaveLength(4);
    expect(await sinkRequests(bucket)).toHaveLength(4);
  });

  it('leaves out events outside the window and test sends', async () => {
    const account = await createAccount();
    const bucket = unique('b');
    await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'IN-WINDOW' } });
    const automation = await createAutomation(account, { url: sinkUrl(bucket), enabled: true });
    await call(`/v1/automations/${automation.id}/test`, { token: account.admin, body: {} });
    await waitForSink(bucket, 1);
    const future = await call(`/v1/automations/${automation.id}/backfill`, {
      token: account.admin, body: { since: iso(Date.now() + HOUR_MS), until: iso(Date.now() + 2 * HOUR_MS) },
    });
    expect(future.body.backfilled).toBe(0);
    const result = await call(`/v1/automations/${automation.id}/backfill`, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS) } });
    expect(result.body.backfilled).toBe(1);
    await waitForSink(bucket, 2);
    const bodies = (await sinkRequests(bucket)).map((r) => JSON.parse(r.body).data.call_id);
    expect(bodies.filter((id) => id === 'IN-WINDOW')).toHaveLength(1);
  });

  it('sends only the past events that meet the automation’s conditions', async () => {
    const account = await createAccount();
    for (const duration of ['30', '90', '600']) await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `D-${duration}`, duration } });
    const bucket = unique('b');
    const automation = await createAutomation(account, {
      url: sinkUrl(bucket), body: '{"call_id": "{{call_id}}"}', conditions: { all: [{ field: 'duration', op: 'gt', value: 60 }] },
    });
    const result = await call(`/v1/automations/${automation.id}/backfill`, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS) } });
    expect(result.body).toEqual({ backfilled: 2, more: false, next_since: null });
    const received = await waitForSink(bucket, 2);
    expect(received.map((r) => JSON.parse(r.body).call_id).sort()).toEqual(['D-600', 'D-90']);
  });

  it('takes at most the limit per call, oldest first, and says where to go on from', async () => {
    const account = await createAccount({ partitions: 1 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await postEvent(account, { type: 'inbound_call_ended', data: { call_id: `LIM-${i}` } })).body.event_id);
    const automation = await createAutomation(account, { url: sinkUrl(unique('b')) });
    const since = Date.now() - HOUR_MS;
    const stub = planeFor(env, planeKey(account.id, 0));
    const first = await stub.backfill(account.id, automation.id, since, Date.now() + 1000, 2);
    expect(first).toMatchObject({ backfilled: 2, more: true, next_since: expect.any(String) });
    const rest = await stub.backfill(account.id, automation.id, Date.parse((first as { next_since: string }).next_since), Date.now() + 1000, 2);
    expect(rest).toEqual({ backfilled: 1, more: false, next_since: null });
    const events = (await deliveriesOf(account, automation.id)).map((d) => d.event_id).sort();
    expect(events).toEqual([...ids].sort());
  });

  it('checks its window as a recovery does, and needs the automation on and the integration on', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const path = `/v1/automations/${automation.id}/backfill`;
    const tooOld = expectError(await call(path, { token: account.admin, body: { since: iso(Date.now() - 15 * 24 * HOUR_MS) } }), 422, 'validation_failed');
    expect(tooOld.details).toEqual([{ path: 'since', message: 'at most 14 days ago' }]);
    const backwards = expectError(await call(path, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS), until: iso(Date.now() - 2 * HOUR_MS) } }), 422, 'validation_failed');
    expect(backwards.details).toEqual([{ path: 'since', message: 'must be before until' }]);
    expectError(await call(path, { token: account.admin, body: { since: 'yesterday' } }), 422, 'validation_failed');
    expectError(await call(path, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS), extra: 1 } }), 422, 'validation_failed');
    expectError(await call('/v1/automations/aut_missing/backfill', { token: account.admin, body: { since: iso(Date.now() - HOUR_MS) } }), 404, 'not_found');
    await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { enabled: false } });
    const off = expectError(await call(path, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS) } }), 409, 'conflict');
    expect(off.message).toMatch(/turned off/);
    await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } });
    expectError(await call(path, { token: account.admin, body: { since: iso(Date.now() - HOUR_MS) } }), 403, 'integration_disabled');
  });
});
